// The client against a tiny local HTTP server (test_server.hpp) that can
// misbehave on purpose: non-JSON, HTTP 500, wrong ids, hangs, drops.
#include "devnet/process.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/protocol/jsonrpc/test_server.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace {

using namespace petrade::jsonrpc;
using petrade::jsonrpc::test::reply;
using petrade::jsonrpc::test::test_server;
using nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

long long ms_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
}

/// Collects async results; wait() gives up after a deadline instead of hanging.
class collector {
public:
  explicit collector(std::size_t n) : left_(n) {}
  client::callback callback() {
    return [this](call_result r) {
      std::lock_guard lock(m_);
      results_.push_back(std::move(r));
      if (--left_ == 0)
        cv_.notify_all();
    };
  }
  bool wait(std::chrono::milliseconds limit) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [this] { return left_ == 0; });
  }
  std::size_t count(error_kind kind) {
    std::lock_guard lock(m_);
    return static_cast<std::size_t>(std::count_if(results_.begin(), results_.end(), [&](auto& r) {
      return r.error && r.error->kind == kind;
    }));
  }
  std::size_t ok() {
    std::lock_guard lock(m_);
    return static_cast<std::size_t>(
        std::count_if(results_.begin(), results_.end(), [](auto& r) { return r.ok(); }));
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t left_;
  std::vector<call_result> results_;
};

rpc_exception expect_throw(const std::function<void()>& f) {
  try {
    f();
  } catch (const rpc_exception& e) {
    return e;
  }
  ADD_FAILURE() << "no rpc_exception";
  return rpc_exception(rpc_error{});
}

class LocalServer : public ::testing::Test {
protected:
  io_runner runner_{2};
};

TEST_F(LocalServer, NonJsonBodyIsProtocolError) {
  test_server server([](const std::string&) { return reply{200, "<html>not json</html>"}; });
  auto rpc = client::create(runner_, server.url());
  auto e = expect_throw([&] { rpc->call_sync("eth_chainId"); });
  EXPECT_EQ(e.kind(), error_kind::protocol);
  EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
}

TEST_F(LocalServer, Http500IsProtocolError) {
  test_server server([](const std::string&) { return reply{500, "internal failure"}; });
  auto rpc = client::create(runner_, server.url());
  auto e = expect_throw([&] { rpc->call_sync("eth_chainId"); });
  EXPECT_EQ(e.kind(), error_kind::protocol);
  EXPECT_EQ(e.code(), 500);
  EXPECT_NE(std::string(e.what()).find("HTTP 500"), std::string::npos) << e.what();
  std::cout << "  what(): " << e.what() << "\n";
}

TEST_F(LocalServer, IdMismatchIsProtocolError) {
  test_server server;
  auto rpc = client::create(runner_, server.url());
  auto e = expect_throw([&] { rpc->call_sync("wrong_id"); });
  EXPECT_EQ(e.kind(), error_kind::protocol);
  EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
}

// A node whose header announces more than max_response_bytes, with the
// first body bytes in the same packet, is refused from the header alone.
// Boost 1.74's parser, parsing on into the body, dropped the limit and
// reserved the announced length: a hang on 100 MB, bad_alloc on 16 PB (the
// fuzz_jsonrpc_response finding).
TEST_F(LocalServer, ResponseAnnouncingMoreThanTheLimitIsRefusedFromItsHeader) {
  for (std::string length : {"100000000", "16777777777777770"}) {
    test_server server([&](const std::string&) {
      reply r;
      r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + length
              + "\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 1, ";
      return r;
    });
    auto rpc = client::create(runner_, server.url());
    auto e = expect_throw([&] { rpc->call_sync("eth_chainId", json::array(), 5s); });
    EXPECT_EQ(e.kind(), error_kind::protocol) << length << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find("larger than 67108864 bytes"), std::string::npos)
      << e.what();
  }
}

TEST_F(LocalServer, SequentialCallsReuseOneKeepAliveConnection) {
  test_server server;
  auto rpc = client::create(runner_, server.url());
  for (int i = 0; i < 50; ++i)
    ASSERT_EQ(rpc->call_sync("m" + std::to_string(i)), "m" + std::to_string(i));
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(server.requests(), 50u);
  auto st = rpc->stats();
  EXPECT_EQ(st.connections_opened, 1u);
  EXPECT_EQ(st.open_connections, 1u);
  EXPECT_EQ(st.total_requests, 50u);
}

TEST_F(LocalServer, BatchAnsweredInReverseIsMatchedById) {
  test_server server;   // answers batches in reverse order
  auto rpc = client::create(runner_, server.url());
  auto rs = rpc->batch_sync({{"a", json::array()}, {"b", json::array()}, {"c", json::array()}});
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].value, "a");
  EXPECT_EQ(rs[1].value, "b");
  EXPECT_EQ(rs[2].value, "c");
  EXPECT_TRUE(rpc->batch_sync({}).empty());
}

TEST_F(LocalServer, IdleConnectionClosedByServerIsRetriedOnFreshOne) {
  test_server server;
  auto rpc = client::create(runner_, server.url());
  EXPECT_EQ(rpc->call_sync("close_after"), "close_after");   // server closes it afterwards
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rpc->call_sync("next"), "next");
  EXPECT_EQ(server.accepted(), 2u);
  EXPECT_EQ(server.requests(), 2u);   // nothing was sent twice
  EXPECT_EQ(rpc->stats().retries, 1u);
}

TEST_F(LocalServer, RequestThatMayHaveReachedTheNodeIsNotRetried) {
  test_server server;
  auto rpc = client::create(runner_, server.url());
  auto e = expect_throw([&] { rpc->call_sync("drop"); });   // read, then closed unanswered
  EXPECT_EQ(e.kind(), error_kind::transport);
  std::cout << "  what(): " << e.what() << "\n";
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server.requests(), 1u);
  EXPECT_EQ(rpc->stats().retries, 0u);
  EXPECT_EQ(rpc->call_sync("after"), "after");   // the client is fine afterwards
}

TEST_F(LocalServer, TransportErrorWhenNothingListens) {
  auto port = petrade::devnet::free_port();
  auto rpc = client::create(runner_, "http://127.0.0.1:" + std::to_string(port));
  auto t0 = clock_type::now();
  auto e = expect_throw([&] { rpc->call_sync("eth_chainId"); });
  auto elapsed = ms_since(t0);
  std::cout << "  failed in " << elapsed << " ms: " << e.what() << "\n";
  EXPECT_EQ(e.kind(), error_kind::transport);
  EXPECT_NE(std::string(e.what()).find("connect"), std::string::npos);
  EXPECT_LT(elapsed, 1000);
  EXPECT_EQ(rpc->stats().open_connections, 0u);
}

TEST_F(LocalServer, TimeoutCancelsOnlyThatRequest) {
  test_server server;   // "slow" answers after 500 ms
  client_options opts;
  opts.max_connections = 4;
  auto rpc = client::create(runner_, server.url(), opts);
  auto t0 = clock_type::now();
  auto slow = rpc->call_async("slow", json::array(), 200ms);
  collector fast(40);
  for (int i = 0; i < 40; ++i)
    rpc->call("fast", json::array(), fast.callback());
  ASSERT_TRUE(fast.wait(5s));
  EXPECT_EQ(fast.ok(), 40u);
  auto e = expect_throw([&] { slow.get(); });
  auto elapsed = ms_since(t0);
  EXPECT_EQ(e.kind(), error_kind::timeout);
  EXPECT_GE(elapsed, 190);
  EXPECT_LT(elapsed, 450);
  EXPECT_EQ(rpc->call_sync("again"), "again");
  EXPECT_EQ(rpc->stats().timeouts, 1u);
}

TEST_F(LocalServer, QueuedRequestThatTimesOutIsNeverSent) {
  test_server server;
  client_options opts;
  opts.max_connections = 1;
  auto rpc = client::create(runner_, server.url(), opts);
  collector hung(1);
  rpc->call("hang", json::array(), hung.callback());
  auto e = expect_throw([&] { rpc->call_sync("queued", json::array(), 200ms); });
  EXPECT_EQ(e.kind(), error_kind::timeout);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server.requests(), 1u);
  rpc.reset();
  ASSERT_TRUE(hung.wait(1s));
  EXPECT_EQ(hung.count(error_kind::cancelled), 1u);
}

TEST_F(LocalServer, RequestsQueueWhenAllConnectionsAreBusy) {
  test_server server([](const std::string& body) {
    auto r = petrade::jsonrpc::test::echo(body);
    r.delay = 10ms;
    return r;
  });
  client_options opts;
  opts.max_connections = 2;
  auto rpc = client::create(runner_, server.url(), opts);
  collector all(60);
  for (int i = 0; i < 60; ++i)
    rpc->call("q", json::array(), all.callback());
  EXPECT_GE(rpc->stats().queued, 50u);
  ASSERT_TRUE(all.wait(10s));
  EXPECT_EQ(all.ok(), 60u);
  EXPECT_LE(server.accepted(), 2u);
  EXPECT_EQ(rpc->stats().connections_opened, server.accepted());
}

TEST_F(LocalServer, DestroyingClientCompletesHangingCalls) {
  test_server server;
  auto rpc = client::create(runner_, server.url());   // 16 connections, rest queued
  collector calls(50);
  for (int i = 0; i < 50; ++i)
    rpc->call("hang", json::array(), calls.callback());
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server.requests(), 16u);
  auto t0 = clock_type::now();
  rpc.reset();
  ASSERT_TRUE(calls.wait(1s));
  std::cout << "  50 calls cancelled in " << ms_since(t0) << " ms\n";
  EXPECT_EQ(calls.count(error_kind::cancelled), 50u);
}

TEST_F(LocalServer, DestroyingRunnerFirstCompletesHangingCalls) {
  test_server server;
  auto runner = std::make_unique<io_runner>(2);
  auto rpc = client::create(*runner, server.url());
  collector calls(30);
  for (int i = 0; i < 30; ++i)
    rpc->call("hang", json::array(), calls.callback());
  std::this_thread::sleep_for(100ms);
  runner.reset();
  ASSERT_TRUE(calls.wait(1s));
  EXPECT_EQ(calls.count(error_kind::cancelled), 30u);
  // The client outlives its runner: calls fail at once, destruction is clean.
  auto e = expect_throw([&] { rpc->call_sync("late"); });
  EXPECT_EQ(e.kind(), error_kind::cancelled);
  rpc.reset();
}

TEST_F(LocalServer, ShutdownRefusesNewCalls) {
  test_server server;
  auto rpc = client::create(runner_, server.url());
  EXPECT_EQ(rpc->call_sync("x"), "x");
  rpc->shutdown();
  auto e = expect_throw([&] { rpc->call_sync("y"); });
  EXPECT_EQ(e.kind(), error_kind::cancelled);
  EXPECT_EQ(rpc->stats().open_connections, 0u);
}

} // namespace
