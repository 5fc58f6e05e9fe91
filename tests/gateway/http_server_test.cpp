// The gateway's HTTP server on a real loopback socket with a small handler:
// keep-alive, the size limits answered (not reset), malformed requests,
// rate limiting, answers and events pushed from other threads, graceful
// stop, and TLS with a certificate made for the test.
#include "gateway/http_server.hpp"
#include "gateway/router.hpp"

#include "bench/http_client.hpp"
#include "tests/support/tools.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using gateway::exchange;
using gateway::http_server;
using bench::http_client;
using json = nlohmann::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

gateway::response echo(const exchange& ex) {
  json j{{"method", std::string(ex.req.method_string())}, {"target", std::string(ex.req.target())},
         {"body", ex.req.body()}, {"client", ex.client}};
  return gateway::json_response(ex.req, http::status::ok, j.dump());
}

// Polls `done` for up to `limit`; true as soon as it holds.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 3000ms) {
  for (auto end = steady::now() + limit; steady::now() < end; std::this_thread::sleep_for(10ms))
    if (done())
      return true;
  return done();
}

// A plain socket, to watch an event stream while the server stops.
tcp::socket open_raw(net::io_context& ioc, unsigned short port, const std::string& bytes) {
  tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  timeval tv{5, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  net::write(s, net::buffer(bytes));
  return s;
}

// Reads until `want` has arrived (true) or the stream ends or times out.
bool read_until(tcp::socket& s, std::string& got, const std::string& want, beast::error_code& ec) {
  char chunk[4096];
  while (got.find(want) == std::string::npos) {
    auto n = s.read_some(net::buffer(chunk), ec);
    got.append(chunk, n);
    if (ec)
      return got.find(want) != std::string::npos;
  }
  return true;
}

class http_server_test : public ::testing::Test {
protected:
  void TearDown() override {   // the workers hold exchanges: done before the server goes
    std::lock_guard lock{mutex};
    for (auto& t : workers)
      t.join();
  }

  static gateway::server_config config() {
    gateway::server_config cfg;
    cfg.port = 0;
    cfg.requests_per_second = 0;
    return cfg;
  }

  void start(gateway::server_config cfg = config()) {
    server = std::make_unique<http_server>(cfg, [this](auto ex) { handle(std::move(ex)); });
  }

  // /slow?ms=N answers from another thread after N ms; /stream opens an
  // event stream fed by another thread; /throw fails; anything else echoes.
  void handle(std::shared_ptr<exchange> ex) {
    auto target = std::string(ex->req.target());
    auto path = gateway::target_path(target);
    if (path == "/slow") {
      auto ms = std::stoi(gateway::query_params(target)["ms"]);
      spawn([this, ex, ms] {
        ++started;
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        ex->reply(echo(*ex));
      });
    } else if (path == "/stream") {
      auto sink = ex->open_stream();
      spawn([this, sink] {
        sink->push("tick", "1");
        sink->push("tick", "2");
        sink->push("multi", "a\nb");
        // Keeps pushing until the server reports the client gone.
        for (auto end = steady::now() + 8s; steady::now() < end && sink->push("ping", "");)
          std::this_thread::sleep_for(20ms);
        stream_closed = !sink->push("late", "x");
      });
    } else if (path == "/throw") {
      throw std::runtime_error("handler failed");
    } else {
      ex->reply(echo(*ex));
    }
  }

  void spawn(std::function<void()> f) {
    std::lock_guard lock{mutex};
    workers.emplace_back(std::move(f));
  }

  std::mutex mutex;
  std::vector<std::thread> workers;
  std::atomic<int> started{0};
  std::atomic<bool> stream_closed{false};
  std::unique_ptr<http_server> server;
};

json error_of(const bench::http_reply& r) {
  EXPECT_EQ(r.header("content-type"), "application/json");
  return json::parse(r.body)["error"];
}

TEST_F(http_server_test, keep_alive_serves_many_requests_on_one_connection) {
  start();
  http_client c(server->port());
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = c.post("/echo?i=" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.closed);
    auto j = json::parse(r.body);
    EXPECT_EQ(j["method"], "POST");
    EXPECT_EQ(j["target"], "/echo?i=" + std::to_string(i));
    EXPECT_EQ(j["body"], "{\"i\":" + std::to_string(i) + "}");
    EXPECT_EQ(j["client"], "127.0.0.1");
    ids.insert(r.header("x-request-id"));
  }
  EXPECT_EQ(c.connections(), 1);
  EXPECT_EQ(ids.size(), 5u);   // every request has its own id
}

TEST_F(http_server_test, oversized_body_is_answered_413) {
  start();
  http_client c(server->port());
  auto r = c.post("/echo", std::string(10 << 20, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_of(r)["code"], "payload_too_large");
  EXPECT_TRUE(r.closed);
  // One connection: the answer came on the first try, not after a reset.
  EXPECT_EQ(c.connections(), 1);
  EXPECT_EQ(http_client(server->port()).get("/after").status, 200);
}

TEST_F(http_server_test, oversized_headers_are_answered_431) {
  start();
  http_client c(server->port());
  auto r = c.get("/echo", {{"X-Big", std::string(20000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(error_of(r)["code"], "headers_too_large");
  EXPECT_EQ(c.connections(), 1);
  // Just under the limit is fine.
  EXPECT_EQ(c.get("/echo", {{"X-Big", std::string(12000, 'h')}}).status, 200);
}

TEST_F(http_server_test, malformed_requests_are_answered_400) {
  start();
  http_client c(server->port());
  for (std::string bytes : {"this is not http\r\n\r\n", "GET / HTTP/1.1\r\nHost x\r\n\r\n",
                            "GET / HTTP/1.1\r\nContent-Length: zz\r\n\r\n"}) {
    auto r = c.raw(bytes);
    EXPECT_EQ(r.status, 400) << bytes;
    EXPECT_EQ(error_of(r)["code"], "bad_request") << bytes;
  }
}

TEST_F(http_server_test, handler_exception_is_a_json_500) {
  start();
  http_client c(server->port());
  auto r = c.get("/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_of(r)["code"], "internal");
  EXPECT_EQ(c.get("/echo").status, 200);
}

TEST_F(http_server_test, rate_limit_answers_429_then_recovers) {
  auto cfg = config();
  cfg.requests_per_second = 4;
  cfg.burst = 3;
  start(cfg);
  http_client c(server->port());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(c.get("/echo").status, 200) << i;
  auto r = c.get("/echo");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(error_of(r)["code"], "rate_limited");
  EXPECT_FALSE(r.closed);
  // One token comes back every 250 ms.
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(c.get("/echo").status, 200);
  EXPECT_EQ(c.connections(), 1);
}

TEST_F(http_server_test, answers_from_other_threads_arrive) {
  start();
  auto t = steady::now();
  std::vector<std::future<void>> clients;
  for (int k = 0; k < 3; ++k)
    clients.push_back(std::async(std::launch::async, [this, k] {
      http_client c(server->port());
      for (int i = 0; i < 2; ++i) {
        auto target = "/slow?ms=150&k=" + std::to_string(k) + "&i=" + std::to_string(i);
        auto r = c.get(target);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(json::parse(r.body)["target"], target);
      }
      EXPECT_EQ(c.connections(), 1);
    }));
  for (auto& f : clients)
    f.get();
  // Six answers of 150 ms each: served one after another they take 900 ms.
  EXPECT_LT(steady::now() - t, 850ms);
  EXPECT_EQ(started, 6);
}

TEST_F(http_server_test, event_stream_delivers_in_order_and_notices_hangup) {
  start();
  auto text = bench::read_events(server->port(), "/stream", {}, 3, 5000);
  EXPECT_NE(text.find("Content-Type: text/event-stream"), std::string::npos) << text;
  auto one = text.find("event: tick\ndata: 1\n\n");
  auto two = text.find("event: tick\ndata: 2\n\n");
  auto multi = text.find("event: multi\ndata: a\ndata: b\n\n");
  ASSERT_NE(one, std::string::npos) << text;
  ASSERT_NE(two, std::string::npos) << text;
  ASSERT_NE(multi, std::string::npos) << text;
  EXPECT_LT(one, two);
  EXPECT_LT(two, multi);
  // read_events has closed its socket: push must start returning false.
  EXPECT_TRUE(eventually([&] { return stream_closed.load(); }));
}

TEST_F(http_server_test, stop_lets_the_answer_in_progress_out) {
  auto cfg = config();
  cfg.shutdown_grace = 5s;
  start(cfg);
  auto port = server->port();
  // An idle keep-alive connection must not hold the stop up.
  http_client idle(port);
  ASSERT_EQ(idle.get("/echo").status, 200);
  // A request under way when stop() comes.
  auto answer = std::async(std::launch::async, [port] { return http_client(port).get("/slow?ms=400"); });
  ASSERT_TRUE(eventually([&] { return started == 1; }));
  auto t = steady::now();
  server->stop();
  EXPECT_LT(steady::now() - t, 2s);
  auto r = answer.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.closed);   // Connection: close, the server is going
  EXPECT_THROW(http_client(port).get("/echo"), std::runtime_error);
  server->stop();   // idempotent
}

TEST_F(http_server_test, stop_closes_open_event_streams) {
  auto cfg = config();
  cfg.shutdown_grace = 5s;
  start(cfg);
  net::io_context ioc;
  auto s = open_raw(ioc, server->port(), "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string got;
  beast::error_code ec;
  ASSERT_TRUE(read_until(s, got, "data: 1\n\n", ec)) << got;
  // A stream never finishes by itself: waiting the grace period for it
  // would only delay every shutdown while a browser is open.
  auto t = steady::now();
  server->stop();
  EXPECT_LT(steady::now() - t, 2s);
  EXPECT_FALSE(read_until(s, got, "never sent", ec));
  EXPECT_EQ(ec, net::error::eof) << ec.message();
  EXPECT_TRUE(eventually([&] { return stream_closed.load(); }));
}

// A self-signed certificate for localhost: the openssl command when there
// is one, the same through the library otherwise.
void make_certificate(const std::string& cert, const std::string& key) {
  if (std::system("command -v openssl >/dev/null 2>&1") == 0) {
    auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " + key
             + " -out " + cert + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return;
  }
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  X509* x = X509_new();
  ASSERT_TRUE(pkey && x);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, pkey);
  X509_NAME* name = X509_get_subject_name(x);
  auto cn = reinterpret_cast<const unsigned char*>("localhost");
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0);
  X509_set_issuer_name(x, name);
  ASSERT_GT(X509_sign(x, pkey, EVP_sha256()), 0);
  std::unique_ptr<FILE, int (*)(FILE*)> k(std::fopen(key.c_str(), "w"), std::fclose);
  std::unique_ptr<FILE, int (*)(FILE*)> c(std::fopen(cert.c_str(), "w"), std::fclose);
  ASSERT_TRUE(k && c);
  EXPECT_EQ(PEM_write_PrivateKey(k.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr), 1);
  EXPECT_EQ(PEM_write_X509(c.get(), x), 1);
  X509_free(x);
  EVP_PKEY_free(pkey);
}

TEST_F(http_server_test, tls_serves_https_only) {
  test::scratch_dir dir("gw-tls");
  make_certificate(dir / "c.pem", dir / "k.pem");
  auto cfg = config();
  cfg.tls_certificate_file = dir / "c.pem";
  cfg.tls_key_file = dir / "k.pem";
  start(cfg);
  EXPECT_TRUE(server->tls());
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
  beast::get_lowest_layer(s).connect({net::ip::make_address("127.0.0.1"), server->port()});
  s.handshake(ssl::stream_base::client);
  beast::flat_buffer buf;
  // Two requests: keep-alive works over TLS as well.
  for (std::string body : {"first", "second"}) {
    http::request<http::string_body> req{http::verb::post, "/secure", 11};
    req.set(http::field::host, "localhost");
    req.body() = body;
    req.prepare_payload();
    http::write(s, req);
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body())["body"], body);
  }

  int status = 0;   // stays 0 when the server hangs up on the failed handshake
  try {
    status = http_client(server->port()).get("/echo").status;
  } catch (const std::runtime_error&) {
  }
  EXPECT_NE(status, 200);
}

TEST_F(http_server_test, unreadable_certificate_is_named) {
  test::scratch_dir dir("gw-tls-bad");
  make_certificate(dir / "c.pem", dir / "k.pem");
  auto try_start = [&](const std::string& cert, const std::string& key) -> std::string {
    auto cfg = config();
    cfg.tls_certificate_file = cert;
    cfg.tls_key_file = key;
    try {
      http_server s(cfg, [](auto ex) { ex->reply(echo(*ex)); });
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  auto why = try_start(dir / "missing.pem", dir / "k.pem");
  EXPECT_NE(why.find(dir / "missing.pem"), std::string::npos) << why;
  // A certificate given as the key is refused too, naming the key file.
  why = try_start(dir / "c.pem", dir / "c.pem");
  EXPECT_NE(why.find("key '" + dir / "c.pem"), std::string::npos) << why;
}

} // namespace
