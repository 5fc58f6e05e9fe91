// The load generator against a real local server: every request answered
// and counted, concurrency far above the thread count, and failures counted
// with their reason instead of lost.
#include "bench/load_engine.hpp"
#include "bench/peers.hpp"
#include "bench/summary.hpp"
#include "devnet/process.hpp"

#include <gtest/gtest.h>

namespace petrade::bench {
namespace {

request_source block_numbers() {
  return [](std::size_t client, std::size_t index) {
    request_spec r;
    r.op = static_cast<std::uint8_t>(index % 2);
    r.method = "POST";
    r.target = "/";
    r.json_rpc = true;
    r.body = R"({"jsonrpc":"2.0","id":)" + std::to_string(client * 100 + index) + R"(,"method":"eth_blockNumber"})";
    return r;
  };
}

TEST(LoadEngine, AThousandClientsOnOneThreadAllGetAnswers) {
  instant_node node;
  load_plan plan;
  plan.targets = {{"127.0.0.1", node.port()}};
  plan.clients = 1000;
  plan.per_client = 3;
  plan.progress = false;
  auto r = run_load(plan, block_numbers());
  ASSERT_EQ(r.samples.size(), 3000u);
  EXPECT_EQ(r.failed(), 0u);
  EXPECT_GT(r.seconds, 0);
  std::size_t op1 = 0;
  for (auto& s : r.samples) {
    EXPECT_TRUE(s.ok);
    op1 += s.op;
  }
  EXPECT_EQ(op1, 1000u);   // index 1 of every client
  EXPECT_EQ(summarize(r, 0).count, 2000u);
}

TEST(LoadEngine, RefusedConnectionsAreFailuresWithAReason) {
  load_plan plan;
  plan.targets = {{"127.0.0.1", devnet::free_port()}};
  plan.clients = 5;
  plan.per_client = 2;
  plan.progress = false;
  auto r = run_load(plan, block_numbers());
  EXPECT_EQ(r.failed(), 10u);
  ASSERT_EQ(r.failures.size(), 2u);   // op 0 and op 1
  EXPECT_NE(r.failures.begin()->first.find("connect"), std::string::npos);
}

TEST(LoadEngine, JsonRpcErrorsCountAsFailures) {
  instant_node node;
  load_plan plan;
  plan.targets = {{"127.0.0.1", node.port()}};
  plan.progress = false;
  auto r = run_load(plan, [](std::size_t, std::size_t) {
    request_spec s;
    s.method = "POST";
    s.target = "/";
    s.json_rpc = true;
    s.body = R"({"id":"error"})";   // the instant node echoes the id back
    return s;
  });
  EXPECT_EQ(r.failed(), 1u);
  EXPECT_EQ(r.failures.begin()->first, "JSON-RPC error @0");
}

TEST(LoadEngine, BadPlansAreRefused) {
  load_plan plan;
  EXPECT_THROW(run_load(plan, block_numbers()), std::invalid_argument);
}

} // namespace
} // namespace petrade::bench
