#include "actors/probes/geth_metrics.hpp"

#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/jsonrpc/io_runner.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <mutex>

namespace petrade::probes {

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// One GET from resolve to the last byte. Every handler runs on one strand,
// so the deadline and the I/O chain never race; `finish` runs once.
class get_session : public std::enable_shared_from_this<get_session> {
public:
  get_session(net::io_context& io, jsonrpc::endpoint target, std::chrono::milliseconds timeout,
              http_get_callback done)
    : strand_(net::make_strand(io)), resolver_(strand_), socket_(strand_), timer_(strand_),
      target_(std::move(target)), timeout_(timeout), done_(std::move(done)) {}

  void start() {
    net::dispatch(strand_, [self = shared_from_this()] { self->begin(); });
  }

private:
  void begin() {
    auto self = shared_from_this();
    timer_.expires_after(timeout_);
    timer_.async_wait([self](error_code ec) {
      if (!ec)
        self->finish(std::nullopt, "timeout: GET " + self->target_.url() + " got no answer within "
                                     + std::to_string(self->timeout_.count()) + " ms");
    });
    resolver_.async_resolve(target_.host, std::to_string(target_.port),
                            [self](error_code ec, tcp::resolver::results_type results) {
                              if (ec)
                                return self->fail("resolve", ec);
                              self->connect(results);
                            });
  }

  void connect(const tcp::resolver::results_type& results) {
    auto self = shared_from_this();
    net::async_connect(socket_, results, [self](error_code ec, const tcp::endpoint&) {
      if (ec)
        return self->fail("connect", ec);
      self->write();
    });
  }

  void write() {
    request_ = {http::verb::get, target_.target, 11};
    request_.set(http::field::host, target_.host_header());
    request_.set(http::field::user_agent, "petrade-probe/0.1");
    request_.set(http::field::connection, "close");
    auto self = shared_from_this();
    http::async_write(socket_, request_, [self](error_code ec, std::size_t) {
      if (ec)
        return self->fail("write", ec);
      self->read();
    });
  }

  void read() {
    parser_.body_limit(16 * 1024 * 1024);
    auto self = shared_from_this();
    // The header on its own first: Boost 1.74's response parser compares
    // Content-Length with the body limit only when it stops after the
    // header; async_read parses on into the body, drops that error and
    // reserves whatever length the node announced.
    http::async_read_header(socket_, buffer_, parser_, [self](error_code ec, std::size_t) {
      if (ec)
        return self->fail("read", ec);
      self->read_body();
    });
  }

  void read_body() {
    auto self = shared_from_this();
    http::async_read(socket_, buffer_, parser_, [self](error_code ec, std::size_t) {
      if (ec)
        return self->fail("read", ec);
      auto& res = self->parser_.get();
      if (res.result() != http::status::ok)
        return self->finish(std::nullopt, "GET " + self->target_.url() + ": HTTP "
                                            + std::to_string(res.result_int()));
      self->finish(std::move(res.body()), {});
    });
  }

  void fail(const char* step, const error_code& ec) {
    finish(std::nullopt, std::string(step) + " " + target_.url() + ": " + ec.message());
  }

  void finish(std::optional<std::string> body, std::string error) {
    if (finished_)
      return;
    finished_ = true;
    error_code ignored;
    timer_.cancel();
    resolver_.cancel();
    socket_.close(ignored);
    auto done = std::move(done_);
    done(std::move(body), std::move(error));
  }

  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  net::steady_timer timer_;
  jsonrpc::endpoint target_;
  std::chrono::milliseconds timeout_;
  http_get_callback done_;
  http::request<http::empty_body> request_;
  boost::beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool finished_ = false;
};

class geth_probe final : public probe {
public:
  geth_probe(const probe_config& cfg, jsonrpc::io_runner& runner)
    : runner_(runner), url_(cfg.metrics_url), timeout_(cfg.timeout),
      cpu_cores_(cfg.cpu_cores > 0 ? cfg.cpu_cores : 1),
      mem_limit_(cfg.mem_limit_bytes > 0 ? cfg.mem_limit_bytes : machine_memory_bytes()),
      shared_(std::make_shared<shared>()) {}

  void sample(callback done) override {
    http_get(runner_, url_, timeout_,
             [st = shared_, cores = cpu_cores_, limit = mem_limit_,
              done = std::move(done)](std::optional<std::string> body, std::string error) {
               probe_sample s;
               if (!body) {
                 s.error = std::move(error);
                 return done(std::move(s));
               }
               auto r = read_geth_metrics(parse_prometheus(*body));
               if (!r.cpu_seconds && !r.cpu_cores && !r.mem_bytes) {
                 s.error = "no process metrics in the answer";
                 return done(std::move(s));
               }
               s.ok = true;
               if (r.cpu_seconds) {
                 std::lock_guard lock(st->mutex);
                 s.cpu_cores = st->meter.update(*r.cpu_seconds);
               } else {
                 s.cpu_cores = r.cpu_cores.value_or(0);
               }
               s.mem_bytes = r.mem_bytes.value_or(0);
               normalise_sample(s, cores, limit);
               done(std::move(s));
             });
  }

  probe_kind kind() const override { return probe_kind::geth_metrics; }

private:
  struct shared {
    std::mutex mutex;
    cpu_meter meter;
  };
  jsonrpc::io_runner& runner_;
  std::string url_;
  std::chrono::milliseconds timeout_;
  double cpu_cores_;
  double mem_limit_;
  std::shared_ptr<shared> shared_;
};

} // namespace

geth_reading read_geth_metrics(const prom_text& page) {
  geth_reading r;
  if (auto v = page.number("system_cpu_procload_total"))
    r.cpu_seconds = *v;
  else if (auto v = page.number("process_cpu_seconds_total"))
    r.cpu_seconds = *v;
  else if (auto v = page.number("system_cpu_procload"))
    r.cpu_cores = *v / 100.0;
  for (auto name : {"system_memory_held", "system_memory_used", "process_resident_memory_bytes"})
    if (auto v = page.number(name)) {
      r.mem_bytes = *v;
      break;
    }
  return r;
}

void http_get(jsonrpc::io_runner& runner, const std::string& url, std::chrono::milliseconds timeout,
              http_get_callback done) {
  auto target = jsonrpc::endpoint::parse(url);   // throws for a bad URL, before any I/O
  std::make_shared<get_session>(runner.context(), std::move(target), timeout, std::move(done))
    ->start();
}

std::unique_ptr<probe> make_geth_metrics_probe(const probe_config& cfg, jsonrpc::io_runner& runner) {
  jsonrpc::endpoint::parse(cfg.metrics_url);   // validate now
  return std::make_unique<geth_probe>(cfg, runner);
}

} // namespace petrade::probes
