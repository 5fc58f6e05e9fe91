// The repair loop on an external node, end to end: the node stops answering,
// the supervisor runs the node's `restart_command` (as it would run
// `kubectl delete pod` or `docker restart`), the node answers again and is
// re-admitted. Here the command is `kill -CONT` for a frozen anvil, so the
// node really comes back through the command and nothing else.
#include "actors/platform.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <mutex>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

struct event_log {
  std::mutex m;
  std::vector<std::string> lines;
  void add(const std::string& level, const std::string& text) {
    std::lock_guard lock(m);
    lines.push_back(level + ": " + text);
  }
  bool contains(const std::string& part) {
    std::lock_guard lock(m);
    for (auto& l : lines)
      if (l.find(part) != std::string::npos)
        return true;
    return false;
  }
};

json node_status(platform& p) {
  return json::parse(p.status_json()).at("cluster").at("nodes").at(0);
}

template <class Pred>
json wait_for(platform& p, Pred pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto n = node_status(p);
  while (!pred(n) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    n = node_status(p);
  }
  return n;
}

platform_config one_external_node(const std::string& url, std::vector<std::string> restart) {
  platform_config cfg;
  external_node n;
  n.name = "ext0";
  n.url = url;
  n.restart_command = std::move(restart);
  cfg.external.push_back(n);
  cfg.supervisor.probe_interval = 100ms;
  cfg.supervisor.probe_timeout = 60ms;
  cfg.supervisor.repair_after = 3;
  return cfg;
}

TEST(ExternalRepair, AFrozenNodeIsRestartedWithItsCommandAndReadmitted) {
  test::anvil_node anvil;
  auto pid = std::to_string(anvil.process().pid());
  event_log events;
  platform p(one_external_node(anvil.url(), {"kill", "-CONT", pid}),
             [&](const std::string& level, const std::string&, const std::string& text) {
               events.add(level, text);
             });
  p.start();
  auto n = wait_for(p, [](const json& n) { return n.at("reachable").get<bool>(); }, 5s);
  ASSERT_TRUE(n.at("reachable").get<bool>()) << n.dump();

  anvil.process().signal(SIGSTOP);
  n = wait_for(p, [](const json& n) { return n.at("restarts").get<int>() >= 1; }, 10s);
  ASSERT_GE(n.at("restarts").get<int>(), 1) << "the frozen node was never restarted: " << n.dump();
  EXPECT_TRUE(events.contains("restarting node ext0 with kill"));

  n = wait_for(p, [](const json& n) {
    return n.at("repair") == "serving" && n.at("reachable").get<bool>();
  }, 10s);
  EXPECT_EQ(n.at("repair"), "serving") << n.dump();
  EXPECT_TRUE(n.at("reachable").get<bool>()) << n.dump();
  EXPECT_EQ(n.at("restarts").get<int>(), 1) << "restarted again although it came back";
}

TEST(ExternalRepair, AFailingCommandIsLoggedWithItsError) {
  test::anvil_node anvil;
  event_log events;
  platform p(one_external_node(anvil.url(), {"petrade-no-such-restart-tool", "node"}),
             [&](const std::string& level, const std::string&, const std::string& text) {
               events.add(level, text);
             });
  p.start();
  wait_for(p, [](const json& n) { return n.at("reachable").get<bool>(); }, 5s);
  anvil.process().signal(SIGSTOP);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!events.contains("restarting node ext0 failed") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(events.contains("error: restarting node ext0 failed: petrade-no-such-restart-tool"));
  anvil.process().signal(SIGCONT);
}

} // namespace
