// The platform's config file: the shipped examples load, every section
// reaches the part it configures, and wrong files are refused by name.
#include "actors/platform_config.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;

std::string refusal(const test::scratch_dir& dir, const std::string& text) {
  auto path = dir / "petrade.json";
  test::write_file(path, text);
  try {
    load_platform_config(path);
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find(path), std::string::npos) << m;
    return m;
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

TEST(PlatformConfig, TheShippedExamplesLoad) {
  auto cfg = load_platform_config(test::source_path("config/petrade.json"));
  ASSERT_TRUE(cfg.devnet.has_value());
  EXPECT_EQ(cfg.devnet->nodes, 3);
  EXPECT_EQ(cfg.dispatcher.strategy, "state_feedback");
  EXPECT_EQ(cfg.control_port, 7545);
  EXPECT_EQ(cfg.dispatcher.chain_id, 31337u);
  auto ext = load_platform_config(test::source_path("config/external-geth.json"));
  EXPECT_FALSE(ext.devnet.has_value());
  ASSERT_EQ(ext.external.size(), 2u);
  EXPECT_EQ(ext.external[1].probe.kind, probe_kind::geth_metrics);
}

TEST(PlatformConfig, SectionsReachWhatTheyConfigure) {
  test::scratch_dir dir;
  auto path = dir / "p.json";
  test::write_file(path, R"({
    "feedback": {"weights": {"cpu": 0.5, "mem": 0.5, "lag": 0, "latency": 0, "errors": 0, "inflight": 0},
                 "r_max": 0.7, "lag_max": 9},
    "dispatcher": {"strategy": "p2c", "capacity": {"read": 10}, "age_limit": 3},
    "supervisor": {"probe_interval_ms": 250, "probe_timeout_ms": 2000, "repair_after": 4},
    "transactions": {"confirmations": 2, "stuck_timeout_ms": 900, "node_call_timeout_ms": 600000}
  })");
  auto cfg = load_platform_config(path);
  ASSERT_TRUE(cfg.devnet.has_value());   // no nodes: the embedded devnet
  EXPECT_DOUBLE_EQ(cfg.supervisor.feedback.weights[0], 0.5);
  EXPECT_DOUBLE_EQ(cfg.dispatcher.feedback.r_max, 0.7);   // one set of parameters
  EXPECT_EQ(cfg.supervisor.feedback.lag_max, 9u);
  EXPECT_EQ(cfg.dispatcher.strategy, "p2c");
  EXPECT_EQ(cfg.dispatcher.queues.capacity[0], 10u);
  EXPECT_EQ(cfg.dispatcher.queues.capacity[3], 4096u);
  EXPECT_EQ(cfg.dispatcher.queues.age_limit, 3u);
  EXPECT_EQ(cfg.supervisor.probe_interval.count(), 250);
  EXPECT_EQ(cfg.supervisor.repair_after, 4u);
  EXPECT_EQ(cfg.supervisor.probe_timeout.count(), 2000);
  EXPECT_EQ(cfg.confirmations, 2u);
  EXPECT_EQ(cfg.stuck_timeout.count(), 900);
  EXPECT_EQ(cfg.node_call_timeout.count(), 600000);

  test::write_file(path, R"({"nodes": [
    {"url": "http://geth-0.geth:8545", "restart_command": ["kubectl", "delete", "pod", "geth-0"]},
    {"url": "http://geth-1.geth:8545"}]})");
  auto ext = load_platform_config(path);
  ASSERT_EQ(ext.external.size(), 2u);
  EXPECT_EQ(ext.external[0].restart_command,
            (std::vector<std::string>{"kubectl", "delete", "pod", "geth-0"}));
  EXPECT_TRUE(ext.external[1].restart_command.empty());
}

TEST(PlatformConfig, WrongFilesAreRefusedWithKeyValueAndExpectation) {
  test::scratch_dir dir;
  auto m = refusal(dir, R"({"dispatcher": {"strategy": "fastest"}})");
  EXPECT_NE(m.find("dispatcher.strategy = \"fastest\": expected one of"), std::string::npos) << m;
  m = refusal(dir, R"({"feedback": {"weights": {"cpu": 0.9}}})");
  EXPECT_NE(m.find("feedback"), std::string::npos) << m;   // weights no longer sum to 1
  m = refusal(dir, R"({"feedback": {"weights": {"gpu": 0.1}}})");
  EXPECT_NE(m.find("feedback.weights.gpu = 0.1: expected no such key"), std::string::npos) << m;
  m = refusal(dir, R"({"supervisor": {"probe_interval_ms": 5}})");
  EXPECT_NE(m.find("supervisor.probe_interval_ms = 5: expected an integer from 50"), std::string::npos) << m;
  m = refusal(dir, R"({"nodes": [{"name": "a"}]})");
  EXPECT_NE(m.find("nodes[0].url"), std::string::npos) << m;
  m = refusal(dir, R"({"nodes": [{"url": "http://x:1"}], "devnet": {}})");
  EXPECT_NE(m.find("not both"), std::string::npos) << m;
  m = refusal(dir, R"({"nodes": [{"url": "http://x:1", "restart_command": "kubectl delete pod geth-0"}]})");
  EXPECT_NE(m.find("nodes[0].restart_command = \"kubectl delete pod geth-0\": expected a non-empty array"),
            std::string::npos) << m;
  m = refusal(dir, R"({"nodes": [{"url": "http://x:1", "restart_command": ["kubectl", ""]}]})");
  EXPECT_NE(m.find("nodes[0].restart_command"), std::string::npos) << m;
  m = refusal(dir, R"({"dispatch": {}})");
  EXPECT_NE(m.find("dispatch = {}: expected no such key"), std::string::npos) << m;
  // A number past a double's range: nlohmann's out_of_range, not a
  // parse_error, escaped as a non-config error (the defect fuzz_keystore
  // found in the keystore reader, here too).
  m = refusal(dir, R"({"feedback": {"r_max": 1e400}})");
  EXPECT_NE(m.find("not valid JSON"), std::string::npos) << m;
}

} // namespace
