#include "bench/load_engine.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

namespace petrade::bench {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

std::size_t load_result::failed() const {
  std::size_t n = 0;
  for (auto& [reason, count] : failures)
    n += count;
  return n;
}

namespace {

struct run_state {
  const load_plan& plan;
  const request_source& source;
  net::io_context io{1};
  std::vector<tcp::endpoint> addresses;
  load_result result;
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t live_clients = 0;
  clock_type::time_point start;
  clock_type::time_point last_answer;

  run_state(const load_plan& p, const request_source& s) : plan(p), source(s) {}

  void record(std::size_t slot, const request_spec& spec, bool ok, clock_type::time_point began,
              const std::string& reason, const std::string& answer = {}) {
    auto now = clock_type::now();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - began).count();
    result.samples[slot] = {spec.op, ok, static_cast<std::uint32_t>(std::min<long long>(us, UINT32_MAX))};
    if (!ok) {
      auto key = reason + " @" + std::to_string(spec.op);
      if (++result.failures[key] == 1)
        result.examples[key] = answer.substr(0, 300);
    }
    last_answer = now;
    ++done;
  }
};

// One virtual client: connects, then sends its requests one by one on the
// same connection, reconnecting after the server closes or a failure.
class client : public std::enable_shared_from_this<client> {
public:
  client(run_state& run, std::size_t id)
    : run_(run), id_(id), socket_(run.io), timer_(run.io), think_timer_(run.io),
      target_(run.addresses[id % run.addresses.size()]) {}

  void begin() { next(); }

private:
  void next() {
    if (index_ == run_.plan.per_client) {
      boost::system::error_code ec;
      socket_.shutdown(tcp::socket::shutdown_both, ec);
      socket_.close(ec);
      --run_.live_clients;
      return;
    }
    spec_ = run_.source(id_, index_);
    began_ = clock_type::now();
    arm_timer();
    if (!socket_.is_open()) {
      socket_.async_connect(target_, [self = shared_from_this()](boost::system::error_code ec) {
        if (ec)
          return self->fail("connect: " + ec.message());
        self->socket_.set_option(tcp::no_delay(true), ec);
        self->send();
      });
      return;
    }
    send();
  }

  void send() {
    request_ = {};
    request_.method(http::string_to_verb(spec_.method));
    request_.target(spec_.target);
    request_.version(11);
    request_.set(http::field::host, "bench");
    request_.keep_alive(true);
    if (!spec_.bearer.empty())
      request_.set(http::field::authorization, "Bearer " + spec_.bearer);
    if (!spec_.body.empty())
      request_.set(http::field::content_type, "application/json");
    request_.body() = spec_.body;
    request_.prepare_payload();
    http::async_write(socket_, request_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec)
        return self->fail("write: " + ec.message());
      self->read();
    });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    // Header first, so a Content-Length above the limit is refused from it
    // (Boost 1.74; see protocol/jsonrpc/connection.cpp).
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec)
        return self->fail("read: " + ec.message());
      http::async_read(self->socket_, self->buffer_, *self->parser_,
                       [self](boost::system::error_code ec2, std::size_t) {
        if (ec2)
          return self->fail("read: " + ec2.message());
        self->answered();
      });
    });
  }

  void answered() {
    timer_.cancel();
    auto& res = parser_->get();
    auto status = res.result_int();
    bool ok = status >= 200 && status < 300;
    std::string reason;
    if (!ok)
      reason = "HTTP " + std::to_string(status);
    else if (spec_.json_rpc && res.body().find("\"error\"") != std::string::npos) {
      ok = false;
      reason = "JSON-RPC error";
    }
    run_.record(slot(), spec_, ok, began_, reason, ok ? std::string() : res.body());
    if (run_.plan.on_answer)
      run_.plan.on_answer(spec_, status, res.body());
    bool keep = res.keep_alive();
    if (!keep) {
      boost::system::error_code ec;
      socket_.close(ec);
    }
    ++index_;
    after_think();
  }

  // A paced client waits `think` between an answer and its next request.
  void after_think() {
    if (run_.plan.think.count() == 0 || index_ == run_.plan.per_client)
      return next();
    think_timer_.expires_after(run_.plan.think);
    think_timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->next(); });
  }

  void fail(const std::string& reason) {
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
    run_.record(slot(), spec_, false, began_, timed_out_ ? "timeout" : reason);
    timed_out_ = false;
    ++index_;
    after_think();
  }

  void arm_timer() {
    timer_.expires_after(run_.plan.timeout);
    timer_.async_wait([self = shared_from_this(), i = index_](boost::system::error_code ec) {
      if (ec || self->index_ != i)
        return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->socket_.close(ignored);   // the pending operation fails with "aborted"
    });
  }

  std::size_t slot() const { return id_ * run_.plan.per_client + index_; }

  run_state& run_;
  std::size_t id_;
  std::size_t index_ = 0;
  tcp::socket socket_;
  net::steady_timer timer_;
  net::steady_timer think_timer_;
  tcp::endpoint target_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  request_spec spec_;
  clock_type::time_point began_;
  bool timed_out_ = false;
};

void draw_bar(const run_state& run, bool final) {
  double frac = run.total ? static_cast<double>(run.done) / static_cast<double>(run.total) : 1;
  int width = 30;
  int filled = static_cast<int>(frac * width);
  double secs = std::chrono::duration<double>(clock_type::now() - run.start).count();
  std::fprintf(stderr, "\r  %-28.28s [%s%s] %zu/%zu %6.1fs fail %zu%s", run.plan.label.c_str(),
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(width - filled), '.').c_str(), run.done, run.total,
               secs, run.result.failed(), final ? "\n" : "");
  std::fflush(stderr);
}

void tick(run_state& run, net::steady_timer& t) {
  t.expires_after(std::chrono::milliseconds(200));
  t.async_wait([&run, &t](boost::system::error_code ec) {
    if (ec || run.live_clients == 0)
      return;
    draw_bar(run, false);
    tick(run, t);
  });
}

} // namespace

load_result run_load(const load_plan& plan, const request_source& source) {
  if (plan.targets.empty() || plan.clients == 0 || plan.per_client == 0)
    throw std::invalid_argument("a load plan needs a target, clients and requests");
  run_state run(plan, source);
  for (auto& t : plan.targets)
    run.addresses.emplace_back(net::ip::make_address(t.host), t.port);
  run.total = plan.clients * plan.per_client;
  run.result.samples.resize(run.total);
  run.live_clients = plan.clients;
  run.start = run.last_answer = clock_type::now();
  for (std::size_t i = 0; i < plan.clients; ++i)
    std::make_shared<client>(run, i)->begin();
  bool bar = plan.progress && ::isatty(2);
  net::steady_timer progress(run.io);
  if (bar)
    tick(run, progress);
  run.io.run();
  if (bar)
    draw_bar(run, true);
  run.result.seconds = std::chrono::duration<double>(run.last_answer - run.start).count();
  return std::move(run.result);
}

} // namespace petrade::bench
