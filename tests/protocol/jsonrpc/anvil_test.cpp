// The client against a real anvil node.
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <condition_variable>
#include <mutex>

namespace {

using namespace petrade::jsonrpc;
using nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

long long ms_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
}

/// Counts callbacks down; wait() gives up after a deadline instead of hanging.
class countdown {
public:
  explicit countdown(std::size_t n) : left_(n) {}
  void hit() {
    std::lock_guard lock(m_);
    if (left_ > 0 && --left_ == 0)
      cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds limit) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [this] { return left_ == 0; });
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t left_;
};

/// SIGSTOP takes a moment to freeze all of anvil's threads.
void stop_node(petrade::test::anvil_node& node) {
  node.process().signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

/// Resumes a stopped anvil even when an assertion fails.
struct resume_on_exit {
  petrade::devnet::child_process& proc;
  ~resume_on_exit() { proc.signal(SIGCONT); }
};

class AnvilClient : public ::testing::Test {
protected:
  static void SetUpTestSuite() { node_ = new petrade::test::anvil_node(); }
  static void TearDownTestSuite() {
    delete node_;
    node_ = nullptr;
  }
  static petrade::test::anvil_node* node_;

  io_runner runner_{2};
  std::shared_ptr<client> rpc_ = client::create(runner_, node_->url());
};
petrade::test::anvil_node* AnvilClient::node_ = nullptr;

TEST_F(AnvilClient, ChainId) {
  auto id = rpc_->call_sync("eth_chainId");
  EXPECT_EQ(petrade::eth::from_quantity(id.get<std::string>(), true), 31337);
}

TEST_F(AnvilClient, BlockNumber) {
  auto n = rpc_->call_sync("eth_blockNumber");
  ASSERT_TRUE(n.is_string());
  EXPECT_GE(petrade::eth::from_quantity(n.get<std::string>(), true), 0);
}

TEST_F(AnvilClient, BalanceOfDevAccount) {
  auto bal = rpc_->call_sync("eth_getBalance", json::array({petrade::test::dev_addr0, "latest"}));
  auto wei = petrade::eth::from_quantity(bal.get<std::string>(), true);
  EXPECT_EQ(wei, petrade::eth::uint256("10000000000000000000000"));   // 10000 ETH
}

TEST_F(AnvilClient, AsyncFutureAndCallback) {
  auto f = rpc_->call_async("eth_chainId");
  EXPECT_EQ(f.get(), "0x7a69");
  std::promise<call_result> p;
  rpc_->call("net_version", json::array(), [&p](call_result r) { p.set_value(std::move(r)); });
  auto r = p.get_future().get();
  ASSERT_TRUE(r.ok()) << r.error->describe();
  EXPECT_EQ(r.value, "31337");
}

TEST_F(AnvilClient, BatchWithUnknownMethodHasPerItemResults) {
  auto rs = rpc_->batch_sync({{"eth_chainId", json::array()},
                              {"eth_noSuchMethod", json::array()},
                              {"eth_getBalance", json::array({petrade::test::dev_addr0, "latest"})}});
  ASSERT_EQ(rs.size(), 3u);
  ASSERT_TRUE(rs[0].ok()) << rs[0].error->describe();
  EXPECT_EQ(rs[0].value, "0x7a69");
  ASSERT_FALSE(rs[1].ok());
  EXPECT_EQ(rs[1].error->kind, error_kind::rpc);
  EXPECT_EQ(rs[1].error->code, -32601);
  ASSERT_TRUE(rs[2].ok()) << rs[2].error->describe();
  EXPECT_EQ(petrade::eth::from_quantity(rs[2].value.get<std::string>()),
            petrade::eth::uint256("10000000000000000000000"));
  auto st = rpc_->stats();
  EXPECT_EQ(st.total_requests, 1u);
  EXPECT_EQ(st.total_calls, 3u);
  EXPECT_EQ(st.rpc_errors, 1u);
}

TEST_F(AnvilClient, UnknownMethodIsRpcError) {
  try {
    rpc_->call_sync("eth_noSuchMethod");
    FAIL() << "no exception";
  } catch (const rpc_exception& e) {
    EXPECT_EQ(e.kind(), error_kind::rpc);
    EXPECT_EQ(e.code(), -32601);
    EXPECT_FALSE(e.error().message.empty());
    EXPECT_NE(std::string(e.what()).find("-32601"), std::string::npos) << e.what();
    std::cout << "  what(): " << e.what() << "\n";
  }
  EXPECT_EQ(rpc_->stats().errors, 1u);
}

TEST_F(AnvilClient, TwoThousandConcurrentCallsOnEightConnections) {
  client_options opts;
  opts.max_connections = 8;
  auto rpc = client::create(runner_, node_->url(), opts);
  constexpr std::size_t n = 2000;
  countdown done(n);
  std::atomic<std::size_t> good{0}, bad{0};
  auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    bool balance = i % 2 == 1;
    auto params = balance ? json::array({petrade::test::dev_addr0, "latest"}) : json::array();
    rpc->call(balance ? "eth_getBalance" : "eth_chainId", params,
              [&, balance](call_result r) {
                bool ok = r.ok() && (balance ? r.value == "0x21e19e0c9bab2400000" : r.value == "0x7a69");
                (ok ? good : bad)++;
                done.hit();
              });
  }
  auto peak = rpc->stats();
  ASSERT_TRUE(done.wait(25s));
  auto elapsed = ms_since(t0);
  auto st = rpc->stats();
  std::cout << "  2000 calls in " << elapsed << " ms, connections opened "
            << st.connections_opened << ", queued right after submit " << peak.queued << "\n";
  EXPECT_EQ(good, n);
  EXPECT_EQ(bad, 0u);
  EXPECT_LE(st.connections_opened, 8u);
  EXPECT_GE(st.connections_opened, 1u);
  EXPECT_LE(st.open_connections, 8u);
  EXPECT_EQ(st.in_flight, 0u);
  EXPECT_EQ(st.total_calls, n);
  EXPECT_EQ(st.errors, 0u);
}

TEST(AnvilStopped, TimeoutThenRecoveryAfterSigcont) {
  petrade::test::anvil_node node;
  io_runner runner(1);
  auto rpc = client::create(runner, node.url());
  ASSERT_EQ(rpc->call_sync("eth_chainId"), "0x7a69");   // leaves an idle connection

  stop_node(node);
  resume_on_exit resume{node.process()};
  auto t0 = clock_type::now();
  try {
    rpc->call_sync("eth_blockNumber", json::array(), 300ms);
    FAIL() << "no timeout";
  } catch (const rpc_exception& e) {
    auto elapsed = ms_since(t0);
    std::cout << "  timed out after " << elapsed << " ms: " << e.what() << "\n";
    EXPECT_EQ(e.kind(), error_kind::timeout);
    EXPECT_GE(elapsed, 290);
    EXPECT_LT(elapsed, 800);
  }
  EXPECT_EQ(rpc->stats().timeouts, 1u);

  node.process().signal(SIGCONT);
  auto n = rpc->call_sync("eth_blockNumber", json::array(), 5s);
  EXPECT_TRUE(n.is_string());
  EXPECT_EQ(rpc->stats().in_flight, 0u);
}

TEST(AnvilStopped, DestroyingClientWithCallsInFlightFailsThem) {
  petrade::test::anvil_node node;
  io_runner runner(2);
  auto rpc = client::create(runner, node.url());
  ASSERT_EQ(rpc->call_sync("eth_chainId"), "0x7a69");
  stop_node(node);
  resume_on_exit resume{node.process()};

  constexpr std::size_t n = 100;
  countdown done(n);
  std::atomic<std::size_t> cancelled{0};
  for (std::size_t i = 0; i < n; ++i)
    rpc->call("eth_blockNumber", json::array(), [&](call_result r) {
      if (r.error && r.error->kind == error_kind::cancelled)
        ++cancelled;
      else
        std::cout << "  unexpected: " << (r.error ? r.error->describe() : r.value.dump()) << "\n";
      done.hit();
    }, 20s);
  std::this_thread::sleep_for(100ms);   // let them reach the (stopped) node
  EXPECT_EQ(rpc->stats().in_flight, n);
  auto t0 = clock_type::now();
  rpc.reset();
  ASSERT_TRUE(done.wait(2s));
  std::cout << "  " << n << " calls cancelled in " << ms_since(t0) << " ms\n";
  EXPECT_EQ(cancelled, n);
}

} // namespace
