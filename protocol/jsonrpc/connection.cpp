// One HTTP/1.1 keep-alive connection. Everything it does runs on its strand;
// it serves one request at a time (no pipelining) and asks its client_impl
// for the next one when it is done.
#include "protocol/jsonrpc/client_impl.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <poll.h>

namespace petrade::jsonrpc::detail {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

class connection : public std::enable_shared_from_this<connection> {
public:
  connection(net::io_context& ioc, const std::shared_ptr<client_impl>& owner)
      : strand_(net::make_strand(ioc)), socket_(strand_), resolver_(strand_), owner_(owner),
        target_(owner->target()), max_body_(owner->options().max_response_bytes),
        user_agent_(owner->options().user_agent) {}

  net::strand<net::io_context::executor_type>& strand() { return strand_; }

  /// Serves `p`: connects first if needed.
  void run(pending_ptr p) {
    current_ = std::move(p);
    if (current_->done) {                 // timed out before we got to it
      finished(/*reusable=*/!broken_);
      return;
    }
    if (broken_) {                        // closed by shutdown: nothing to do
      give_up(rpc_error::transport(where() + ": connection closed"));
      return;
    }
    if (!socket_.is_open()) {
      resolve();
      return;
    }
    if (peer_gone()) {
      auto owner = owner_.lock();
      auto p2 = std::move(current_);
      close();
      if (owner)
        owner->not_written(shared_from_this(), p2, "idle connection was closed by the node");
      return;
    }
    write();
  }

  /// The request timed out: if it is still ours, the connection is unusable.
  void abort(const pending_ptr& p) {
    if (current_ == p)
      close();
  }

  void close() {
    broken_ = true;
    error_code ignored;
    resolver_.cancel();
    if (socket_.is_open()) {
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
    }
  }

private:
  std::string where() const { return current_->label + " to " + target_.url(); }

  void resolve() {
    resolver_.async_resolve(
        target_.host, std::to_string(target_.port),
        [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
          if (self->stale(ec))
            return;
          if (ec) {
            self->give_up(rpc_error::transport(self->where() + ": cannot resolve " +
                                               self->target_.host + ": " + ec.message()));
            return;
          }
          self->connect(results);
        });
  }

  void connect(const tcp::resolver::results_type& results) {
    net::async_connect(socket_, results,
                       [self = shared_from_this()](const error_code& ec, const tcp::endpoint&) {
                         if (self->stale(ec))
                           return;
                         if (ec) {
                           self->give_up(rpc_error::transport(
                               self->where() + ": connect to " + self->target_.host + ":" +
                               std::to_string(self->target_.port) + " failed: " + ec.message()));
                           return;
                         }
                         error_code ignored;
                         self->socket_.set_option(tcp::no_delay(true), ignored);
                         if (auto owner = self->owner_.lock())
                           owner->connected();
                         self->write();
                       });
  }

  void write() {
    request_.emplace(http::verb::post, target_.target, 11);
    request_->set(http::field::host, target_.host_header());
    request_->set(http::field::user_agent, user_agent_);
    request_->set(http::field::content_type, "application/json");
    request_->set(http::field::accept, "application/json");
    request_->keep_alive(true);
    request_->body() = current_->body;
    request_->prepare_payload();
    http::async_write(socket_, *request_,
                      [self = shared_from_this()](const error_code& ec, std::size_t written) {
                        self->on_write(ec, written);
                      });
  }

  void on_write(const error_code& ec, std::size_t written) {
    request_.reset();
    if (stale(ec))
      return;
    if (ec && written == 0) {
      // Nothing left this process: safe to send again on a fresh connection.
      auto owner = owner_.lock();
      auto p = std::move(current_);
      close();
      if (owner)
        owner->not_written(shared_from_this(), p, "write failed: " + ec.message());
      return;
    }
    if (ec) {
      give_up(rpc_error::transport(where() + ": write failed after " + std::to_string(written) +
                                   " bytes: " + ec.message()));
      return;
    }
    parser_.emplace();
    parser_->body_limit(max_body_);
    // The header on its own first: Boost 1.74's response parser compares
    // Content-Length with the body limit only when it stops after the
    // header. Parsing on into body bytes that came with it (as async_read
    // does) drops that error, and string_body then reserves whatever length
    // the node announced (16 PB from one lying header: bad_alloc).
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](const error_code& ec2, std::size_t) {
                              self->on_header(ec2);
                            });
  }

  void on_header(const error_code& ec) {
    if (ec) {
      on_read(ec);   // stale, larger than the limit, or a transport error
      return;
    }
    if (stale(ec))
      return;
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec2, std::size_t) {
                       self->on_read(ec2);
                     });
  }

  void on_read(const error_code& ec) {
    if (stale(ec))
      return;
    if (ec == http::error::body_limit) {
      give_up(rpc_error::protocol(where() + ": response larger than " +
                                  std::to_string(max_body_) + " bytes"));
      return;
    }
    if (ec) {
      give_up(rpc_error::transport(where() + ": read failed: " + ec.message()));
      return;
    }
    auto response = parser_->release();
    parser_.reset();
    bool reusable = response.keep_alive() && buffer_.size() == 0;
    auto results = decode_http_response(response.result_int(), std::string(response.reason()),
                                        response.body(), current_->is_batch, current_->first_id,
                                        current_->count);
    // Back to the pool first, so that a caller woken by the result finds
    // this connection idle instead of opening another one.
    auto done = std::move(current_);
    auto next = hand_back(reusable);
    if (auto owner = owner_.lock())
      owner->complete(done, std::move(results));
    carry_on(std::move(next));
  }

  /// A completion that arrives for a request someone else completed (timeout,
  /// shutdown) or after the owner went away: the connection is unusable.
  bool stale(const error_code& ec) {
    if (!broken_ && !current_->done && !owner_.expired())
      return false;
    (void)ec;
    close();
    finished(false);
    return true;
  }

  void give_up(const rpc_error& e) {
    auto p = std::move(current_);
    close();
    auto next = hand_back(false);   // leave the pool before the caller hears
    if (auto owner = owner_.lock())
      owner->fail(p, e);
    carry_on(std::move(next));
  }

  /// Hands the connection back; runs the next queued request if any.
  void finished(bool reusable) { carry_on(hand_back(reusable)); }

  client_impl::release_result hand_back(bool reusable) {
    current_.reset();
    auto owner = owner_.lock();
    if (!owner)
      return {};
    return owner->release(shared_from_this(), reusable && !broken_);
  }

  void carry_on(client_impl::release_result next) {
    if (!next.keep_open) {
      close();
      return;
    }
    if (next.next)
      run(std::move(next.next));
  }

  /// An idle connection must have nothing to read; readable means the node
  /// closed it (EOF), reset it, or sent something unexpected.
  bool peer_gone() {
    pollfd pfd{socket_.native_handle(), POLLIN | POLLRDHUP, 0};
    int r = ::poll(&pfd, 1, 0);
    return r != 0 || buffer_.size() != 0;
  }

  net::strand<net::io_context::executor_type> strand_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  std::weak_ptr<client_impl> owner_;
  const endpoint target_;
  const std::size_t max_body_;
  const std::string user_agent_;

  pending_ptr current_;
  bool broken_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request<http::string_body>> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

connection_ptr make_connection(net::io_context& ioc, const std::shared_ptr<client_impl>& owner) {
  return std::make_shared<connection>(ioc, owner);
}

void connection_start(const connection_ptr& c, pending_ptr p) {
  net::post(c->strand(), [c, p = std::move(p)]() mutable { c->run(std::move(p)); });
}

void connection_abort(const connection_ptr& c, pending_ptr p) {
  net::post(c->strand(), [c, p = std::move(p)] { c->abort(p); });
}

void connection_close(const connection_ptr& c, bool direct) {
  if (direct)
    c->close();
  else
    net::post(c->strand(), [c] { c->close(); });
}

} // namespace petrade::jsonrpc::detail
