// One fixture for the business actors, run two ways (evmone's parameterised
// fixture): the actors in the platform's own process, and in a separate
// `petrade worker` process reached through the CAF middleman. Everything is
// real: an anvil devnet, the dispatcher, the transaction manager, RocksDB.
#pragma once

#include "actors/business_config.hpp"
#include "actors/platform.hpp"
#include "devnet/process.hpp"
#include "protocol/messages.hpp"
#include "tests/support/test_platform.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

namespace petrade::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

enum class placement { in_process, worker_process };

inline std::string placement_name(const ::testing::TestParamInfo<placement>& p) {
  return p.param == placement::in_process ? "InProcess" : "WorkerProcess";
}

class BusinessFixture : public ::testing::TestWithParam<placement> {
public:
  void SetUp() override {
    dir = temp_dir("business");
    auto b = test_business_settings();
    b.refund_interval = 200ms;
    auto cfg = test_platform_config(dir, b);
    if (GetParam() == placement::worker_process) {
      worker_port = free_port_range(1);
      cfg.worker_port = worker_port;
      write_worker_config();
      start_worker();
    }
    config = cfg;
    plat = std::make_unique<platform>(cfg);
    plat->start();
    if (GetParam() == placement::worker_process)
      wait_until_served(60s);
  }

  void TearDown() override {
    plat.reset();
    worker.stop();
    std::filesystem::remove_all(dir);
  }

  void write_worker_config() {
    json c{{"devnet", json::object()},
           {"business",
            {{"key_secret_file", dir + "/custody.secret"},
             {"password_scrypt_n", 1024},
             {"keystore_scrypt_n", 1024},
             {"min_expiry_s", 2},
             {"refund_interval_ms", 200},
             {"call_timeout_ms", 20000},
             {"worker", {{"port", worker_port}, {"database", dir + "/worker"}}}}}};
    std::ofstream(dir + "/worker.json") << c.dump(2);
  }

  void start_worker() {
    worker = devnet::child_process::spawn(
      {build_path("petrade"), "worker", "--config", dir + "/worker.json"}, dir + "/worker.log");
    ASSERT_TRUE(devnet::wait_for_port(worker_port, 30s)) << "the worker did not listen";
  }

  /// Waits until a business call is answered by a service (not "unavailable").
  void wait_until_served(std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (call("", "demand.list").error != business_error::unavailable)
        return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "the business services never came up";
  }

  business_reply call(const std::string& user, const std::string& op, const json& body = json::object(),
                      const std::string& role = "user") {
    business_call c;
    c.op = op;
    c.user = user;
    c.role = user.empty() && role == "user" ? "" : role;
    c.body = body.dump();
    business_reply out;
    caf::scoped_actor self{plat->system()};
    self->request(plat->business(), 60s, call_atom_v, c)
      .receive([&](business_reply& r) { out = r; },
               [&](caf::error& e) {
                 out.error = business_error::unavailable;
                 out.message = plat->system().render(e);
               });
    return out;
  }

  /// A call that must succeed; its answer.
  json ok(const std::string& user, const std::string& op, const json& body = json::object()) {
    auto r = call(user, op, body);
    EXPECT_TRUE(r.ok()) << op << " " << body.dump() << ": " << to_string(r.error) << ": " << r.message;
    return r.ok() ? json::parse(r.body) : json();
  }

  /// Waits for a write task to be mined and the indexer to have seen it.
  write_status settle(const json& accepted) {
    auto s = mined(accepted);
    indexed(s.block);
    return s;
  }

  /// Waits for a write task to be mined (the transaction manager alone).
  write_status mined(const json& accepted) {
    write_status s;
    caf::scoped_actor self{plat->system()};
    self->request(plat->tx_manager(), 60s, wait_atom_v, accepted.at("task").get<std::uint64_t>())
      .receive([&](write_status& r) { s = r; }, [&](caf::error& e) { ADD_FAILURE() << plat->system().render(e); });
    EXPECT_TRUE(s.state == "mined" || s.state == "confirmed") << s.state << ": " << s.error;
    return s;
  }

  void indexed(std::uint64_t block) {
    caf::scoped_actor self{plat->system()};
    self->request(plat->business(), 60s, wait_atom_v, block)
      .receive([](std::uint64_t) {}, [&](caf::error& e) { ADD_FAILURE() << "indexer: " << plat->system().render(e); });
  }

  /// Registers `name` and waits until its gas grant and whitelisting are mined.
  void sign_up(const std::string& name) {
    auto r = ok("", "account.register", {{"username", name}, {"password", "correct horse " + name}});
    ASSERT_TRUE(r.contains("enrollment") && r["enrollment"].is_object()) << r.dump();
    for (auto& t : r["enrollment"]["tasks"])
      settle(t);
  }

  std::string balance(const std::string& user) {
    return ok(user, "token.balance").value("balance", "?");
  }

  // Reads are eventually consistent: a read task may land on a follower one
  // block behind the block a write was mined in. These wait for the state a
  // settled write must lead to, and fail with the last answer seen.

  /// Waits until `user`'s balance reads `want`.
  void expect_balance(const std::string& user, const std::string& want) {
    auto until = std::chrono::steady_clock::now() + 15s;
    auto seen = balance(user);
    while (seen != want && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(100ms);
      seen = balance(user);
    }
    EXPECT_EQ(seen, want) << user << "'s balance";
  }

  /// The answer of `op` once its `field` lists at least one entry.
  json listing(const std::string& user, const std::string& op, const std::string& field,
               const json& body = json::object()) {
    auto until = std::chrono::steady_clock::now() + 15s;
    auto seen = ok(user, op, body);
    while (seen[field].empty() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(100ms);
      seen = ok(user, op, body);
    }
    return seen;
  }

  std::string dir;
  platform_config config;
  unsigned short worker_port = 0;
  devnet::child_process worker;
  std::unique_ptr<platform> plat;
};

} // namespace petrade::test
