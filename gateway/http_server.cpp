#include "gateway/http_server.hpp"

#include "gateway/rate_limiter.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace petrade::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

// How much of a refused body is read and thrown away so that the client,
// still sending, gets to read the refusal instead of a reset.
constexpr std::size_t drain_limit = 16 * 1024 * 1024;

std::string rate_text(double rate) {
  auto text = std::to_string(rate);
  text.erase(text.find_last_not_of('0') + 1);   // 50.000000 -> 50.
  if (!text.empty() && text.back() == '.')
    text.pop_back();
  return text;
}

class connection_base {
public:
  virtual ~connection_base() = default;
  virtual void close_when_idle() = 0;
  /// Only once the I/O threads have stopped: closes without the strand.
  virtual void force_close() = 0;
};

} // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
  server_config cfg;
  request_handler handler;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  // Keeps the I/O threads running while a handler works on a request with
  // no I/O pending: once stop() has closed the acceptor, nothing else would,
  // and the answer posted later would never be written.
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  rate_limiter limiter;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::map<connection_base*, std::weak_ptr<connection_base>> connections;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> next_request{1};

  impl(server_config c, request_handler h)
    : cfg(std::move(c)), handler(std::move(h)), limiter(cfg.requests_per_second, cfg.burst) {}

  void accept();
  void enrol(connection_base* c, std::weak_ptr<connection_base> w) {
    std::lock_guard lock{mutex};
    connections[c] = std::move(w);
  }
  void leave(connection_base* c) {
    std::lock_guard lock{mutex};
    connections.erase(c);
  }
};

namespace {

template <class Stream>
class connection : public connection_base, public std::enable_shared_from_this<connection<Stream>> {
public:
  connection(std::shared_ptr<http_server::impl> server, Stream stream, std::string client)
    : server_(std::move(server)), stream_(std::move(stream)), client_(std::move(client)) {}

  ~connection() override { server_->leave(this); }

  void run() {
    server_->enrol(this, this->weak_from_this());
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      lowest().expires_after(std::chrono::seconds(10));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec)
                                  self->read();
                              });
    }
  }

  void close_when_idle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      // An event stream never ends by itself: waiting for it would only
      // hold the shutdown for the whole grace period.
      if (!self->busy_ || self->sink_)
        self->close();
    });
  }

  void force_close() override { close(); }

  // Called on the strand.
  void write(response r) {
    busy_ = true;
    if (closing_ || server_->stopping)
      r.keep_alive(false);
    r.prepare_payload();
    // A HEAD answer announces the GET's length but carries no body; bytes
    // after its header would be read as the next answer on the connection.
    if (head_)
      r.body().clear();
    auto shared = std::make_shared<response>(std::move(r));
    lowest().expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *shared,
                      [self = this->shared_from_this(), shared](beast::error_code ec, std::size_t) {
                        self->busy_ = false;
                        if (ec || !shared->keep_alive() || self->closing_)
                          return self->close();
                        self->read();
                      });
  }

  std::shared_ptr<event_sink> start_stream();

private:
  class sink;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void read() {
    parser_.emplace();
    parser_->body_limit(server_->cfg.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_->cfg.header_limit));
    lowest().expires_after(server_->cfg.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return refuse(http::status::payload_too_large, "payload_too_large",
                    "the body is larger than " + std::to_string(server_->cfg.body_limit) + " bytes");
    if (ec == http::error::header_limit)
      return refuse(http::status::request_header_fields_too_large, "headers_too_large",
                    "the headers are larger than " + std::to_string(server_->cfg.header_limit) + " bytes");
    if (ec && ec.category() == beast::error_code(http::error::bad_method).category() && ec != http::error::end_of_stream
        && ec != http::error::partial_message)
      return refuse(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
    if (ec)
      return close();
    auto ex = std::make_shared<exchange>();
    ex->req = parser_->release();
    head_ = ex->req.method() == http::verb::head;
    ex->client = client_;
    ex->request_id = "r" + std::to_string(server_->next_request++);
    unsigned retry_after = 0;
    if (!server_->limiter.allow(client_, retry_after)) {
      auto r = error_response(ex->req, http::status::too_many_requests, "rate_limited",
                              "more than " + rate_text(server_->limiter.limit_for(client_).rate)
                                + " requests per second from " + client_);
      r.set(http::field::retry_after, std::to_string(retry_after));
      return write(std::move(r));
    }
    busy_ = true;
    // The exchange keeps the connection alive while the actors work on the
    // request: no I/O operation is pending in the meantime.
    auto self = this->shared_from_this();
    ex->send = [self](response r) {
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->write(std::move(r)); });
    };
    ex->stream = [self]() -> std::shared_ptr<event_sink> { return self->start_stream(); };
    try {
      server_->handler(ex);
    } catch (const std::exception& e) {
      ex->reply(error_response(ex->req, http::status::internal_server_error, "internal", e.what()));
    }
  }

  // Answers and closes; reads (and drops) what the client is still sending
  // first, so it sees the answer rather than a reset connection.
  void refuse(http::status status, const std::string& code, const std::string& message) {
    request none;
    auto r = error_response(none, status, code, message);
    r.keep_alive(false);
    r.prepare_payload();
    busy_ = true;
    auto shared = std::make_shared<response>(std::move(r));
    lowest().expires_after(std::chrono::seconds(10));
    http::async_write(stream_, *shared,
                      [self = this->shared_from_this(), shared](beast::error_code ec, std::size_t) {
                        if (ec)
                          return self->close();
                        beast::error_code ignored;
                        self->lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
                        self->drain(0);
                      });
  }

  void drain(std::size_t so_far) {
    if (so_far > drain_limit)
      return close();
    auto buf = std::make_shared<std::array<char, 65536>>();
    lowest().expires_after(std::chrono::seconds(5));
    lowest().async_read_some(net::buffer(*buf),
                             [self = this->shared_from_this(), buf, so_far](beast::error_code ec,
                                                                            std::size_t n) {
                               if (ec)
                                 return self->close();
                               self->drain(so_far + n);
                             });
  }

  void close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
    if (sink_)
      sink_->mark_closed();
  }

  void send_events() {
    if (writing_events_ || events_.empty())
      return;
    writing_events_ = true;
    auto text = std::make_shared<std::string>(std::move(events_.front()));
    events_.pop_front();
    lowest().expires_after(std::chrono::seconds(30));
    net::async_write(stream_, net::buffer(*text),
                     [self = this->shared_from_this(), text](beast::error_code ec, std::size_t) {
                       self->writing_events_ = false;
                       if (ec)
                         return self->close();
                       self->send_events();
                     });
  }

  void watch_for_hangup() {
    auto buf = std::make_shared<std::array<char, 512>>();
    lowest().expires_never();
    stream_.async_read_some(net::buffer(*buf),
                            [self = this->shared_from_this(), buf](beast::error_code ec, std::size_t) {
                              if (ec)
                                return self->close();
                              self->watch_for_hangup();
                            });
  }

  std::shared_ptr<http_server::impl> server_;
  Stream stream_;
  std::string client_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool busy_ = false;
  bool closing_ = false;
  bool head_ = false;   // the request being answered is a HEAD
  std::deque<std::string> events_;
  bool writing_events_ = false;
  std::shared_ptr<sink> sink_;
};

template <class Stream>
class connection<Stream>::sink : public event_sink {
public:
  explicit sink(std::weak_ptr<connection> c) : conn_(std::move(c)) {}
  bool push(const std::string& event, const std::string& data) override {
    if (!open_)
      return false;
    auto c = conn_.lock();
    if (!c)
      return false;
    std::string text = "event: " + event + "\n";
    for (std::size_t start = 0; start <= data.size();) {
      auto end = data.find('\n', start);
      if (end == std::string::npos)
        end = data.size();
      text += "data: " + data.substr(start, end - start) + "\n";
      start = end + 1;
    }
    text += "\n";
    net::post(c->stream_.get_executor(), [c, text = std::move(text)]() mutable {
      c->events_.push_back(std::move(text));
      c->send_events();
    });
    return true;
  }
  bool open() const override { return open_; }
  void mark_closed() { open_ = false; }

private:
  std::weak_ptr<connection> conn_;
  std::atomic<bool> open_{true};
};

template <class Stream>
std::shared_ptr<event_sink> connection<Stream>::start_stream() {
  auto s = std::make_shared<sink>(this->weak_from_this());
  net::post(stream_.get_executor(), [self = this->shared_from_this(), s] {
    self->sink_ = s;
    if (self->closing_ || self->server_->stopping) {
      s->mark_closed();
      return self->close();
    }
    // No length and Connection: close: the stream ends when either side closes.
    self->events_.push_front("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                             "Cache-Control: no-store\r\nConnection: close\r\n"
                             "X-Accel-Buffering: no\r\n\r\n");
    self->send_events();
    self->watch_for_hangup();
  });
  return s;
}

} // namespace

void http_server::impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec,
                                                                            tcp::socket socket) {
    if (ec)
      return;   // closed by stop()
    beast::error_code peer_ec;
    auto peer = socket.remote_endpoint(peer_ec);
    std::string client = peer_ec ? "unknown" : peer.address().to_string();
    if (self->tls) {
      using tls_stream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<connection<tls_stream>>(self, tls_stream(std::move(socket), *self->tls),
                                               std::move(client))
        ->run();
    } else {
      std::make_shared<connection<beast::tcp_stream>>(self, beast::tcp_stream(std::move(socket)),
                                                      std::move(client))
        ->run();
    }
    if (!self->stopping)
      self->accept();
  });
}

http_server::http_server(server_config cfg, request_handler handler)
  : impl_(std::make_shared<impl>(std::move(cfg), std::move(handler))) {
  auto& d = *impl_;
  auto where = d.cfg.address + ":" + std::to_string(d.cfg.port);
  if (!d.cfg.tls_certificate_file.empty() || !d.cfg.tls_key_file.empty()) {
    d.tls.emplace(ssl::context::tls_server);
    d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                       | ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    d.tls->use_certificate_chain_file(d.cfg.tls_certificate_file, ec);
    if (!ec)
      d.tls->use_private_key_file(d.cfg.tls_key_file, ssl::context::pem, ec);
    if (ec)
      throw std::runtime_error("gateway TLS: cannot load certificate '" + d.cfg.tls_certificate_file
                               + "' and key '" + d.cfg.tls_key_file + "': " + ec.message());
  }
  beast::error_code ec;
  auto address = net::ip::make_address(d.cfg.address, ec);
  if (ec)
    throw std::runtime_error("gateway: '" + d.cfg.address + "' is not an IP address");
  tcp::endpoint ep{address, d.cfg.port};
  d.acceptor.open(ep.protocol(), ec);
  if (!ec)
    d.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    d.acceptor.bind(ep, ec);
  if (!ec)
    d.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("gateway cannot listen on " + where + ": " + ec.message());
  d.accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, d.cfg.io_threads); ++i)
    d.threads.emplace_back([&d] { d.ioc.run(); });
}

http_server::~http_server() {
  stop();
}

rate_limiter& http_server::limiter() {
  return impl_->limiter;
}

unsigned short http_server::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? impl_->cfg.port : ep.port();
}

bool http_server::tls() const {
  return impl_->tls.has_value();
}

void http_server::stop() {
  auto& d = *impl_;
  if (d.stopping.exchange(true))
    return;
  net::post(d.ioc, [&d] {
    beast::error_code ignored;
    d.acceptor.close(ignored);
  });
  auto open_connections = [&d] {
    std::vector<std::shared_ptr<connection_base>> open;
    std::lock_guard lock{d.mutex};
    for (auto& [raw, weak] : d.connections)
      if (auto c = weak.lock())
        open.push_back(std::move(c));
    return open;
  };
  for (auto& c : open_connections())
    c->close_when_idle();
  auto deadline = std::chrono::steady_clock::now() + d.cfg.shutdown_grace;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock{d.mutex};
      if (d.connections.empty())
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  d.work.reset();
  d.ioc.stop();
  for (auto& t : d.threads)
    if (t.joinable())
      t.join();
  // Connections past the grace period are closed now, and their aborted
  // operations run once so that nothing keeps the server alive.
  for (auto& c : open_connections())
    c->force_close();
  d.ioc.restart();
  d.ioc.poll();
}

} // namespace petrade::gateway
