// The account actor on CAF's real scheduler, with a real RocksDB and a real
// transaction manager on the same database. The dispatcher behind the
// transaction manager and the token actor are stand-ins: the first answers
// the few reads a submit needs, the second records enrollments.
#pragma once

#include "actors/account_actor.hpp"
#include "actors/business_kit.hpp"
#include "actors/credentials.hpp"
#include "actors/tx_manager.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "storage/keystore_store.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

namespace petrade::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct account_test_config : caf::actor_system_config {
  account_test_config() {
    add_message_types<caf::id_block::petrade>();
    set("scheduler.max-threads", 2);
  }
};

/// Everything the actors said, and what the token actor was asked.
struct recorder {
  std::mutex m;
  std::vector<std::string> lines;       // "level: text"
  std::vector<std::string> enrolled;    // addresses from token.enroll
  std::vector<std::string> raw_txs;     // eth_sendRawTransaction payloads
  std::atomic<bool> token_fails{false};

  std::function<void(const std::string&, const std::string&)> sink() {
    return [this](const std::string& level, const std::string& text) {
      std::lock_guard<std::mutex> g(m);
      lines.push_back(level + ": " + text);
    };
  }
  std::string log_text() {
    std::lock_guard<std::mutex> g(m);
    std::string all;
    for (auto& l : lines)
      all += l + "\n";
    return all;
  }
  std::vector<std::string> enrollments() {
    std::lock_guard<std::mutex> g(m);
    return enrolled;
  }
};
using recorder_ptr = std::shared_ptr<recorder>;

inline caf::behavior stand_in_dispatcher(caf::event_based_actor*, recorder_ptr rec) {
  return {
    [rec](submit_atom, const task& t) {
      task_result r;
      r.id = t.id;
      if (t.method == "eth_getTransactionCount") {
        r.result = json("0x0").dump();
      } else if (t.method == "eth_sendRawTransaction") {
        auto raw = json::parse(t.params)[0].get<std::string>();
        {
          std::lock_guard<std::mutex> g(rec->m);
          rec->raw_txs.push_back(raw);
        }
        r.result = json(eth::to_hex(eth::transaction::decode(eth::from_hex(raw)).hash())).dump();
      } else if (t.method == "eth_blockNumber") {
        r.result = json("0x1").dump();
      } else if (t.method == "eth_getTransactionReceipt") {
        r.result = "null";
      } else {
        r.error = task_error::rpc;
        r.message = "method not found";
      }
      return r;
    },
  };
}

inline caf::behavior stand_in_token(caf::event_based_actor*, recorder_ptr rec) {
  return {
    [rec](call_atom, const business_call& c) {
      if (c.op != "token.enroll" || c.role != "system")
        return fail_reply(business_error::invalid, "unexpected call " + c.op);
      auto address = json::parse(c.body).at("address").get<std::string>();
      {
        std::lock_guard<std::mutex> g(rec->m);
        rec->enrolled.push_back(address);
      }
      if (rec->token_fails)
        return fail_reply(business_error::chain, "the token contract is not deployed");
      return ok_reply({{"address", address}, {"granted", "100"}});
    },
  };
}

class AccountFixture : public ::testing::Test {
protected:
  static constexpr const char* secret = "custody secret for tests";

  void SetUp() override { start(); }
  void TearDown() override { stop(); }

  account_config config() {
    account_config c;
    c.db = db.get();
    c.tx_manager = txm;
    c.token = token;
    c.key_secret = secret;
    c.password_scrypt_n = 1024;
    c.keystore_scrypt_n = 1024;
    c.admin_username = "root";
    c.admin_password = "root password 1";
    c.call_timeout = 10s;
    c.log = rec->sink();
    return c;
  }

  /// Opens the database and spawns everything; `tweak` edits the config.
  void start(const std::function<void(account_config&)>& tweak = {}) {
    db = std::make_unique<storage::database>(dir / "db");
    cfg = std::make_unique<account_test_config>();
    sys.emplace(*cfg);
    self.emplace(*sys);
    dispatcher = sys->spawn(stand_in_dispatcher, rec);
    token = sys->spawn(stand_in_token, rec);
    tx_manager_config t;
    t.db = db.get();
    t.dispatcher = dispatcher;
    t.log = rec->sink();
    txm = spawn_tx_manager(*sys, t);
    auto c = config();
    if (tweak)
      tweak(c);
    account = spawn_account_actor(*sys, c);
  }

  void stop() {
    if (!sys)
      return;
    for (auto* h : {&account, &txm, &token, &dispatcher}) {
      if (*h)
        caf::anon_send_exit(*h, caf::exit_reason::user_shutdown);
      *h = nullptr;
    }
    self.reset();
    sys.reset();   // waits for every actor
    cfg.reset();
    db.reset();
  }

  business_reply call(const std::string& op, const json& body, const std::string& user = "",
                      const std::string& role = "") {
    business_call c;
    c.op = op;
    c.user = user;
    c.role = role.empty() && !user.empty() ? "user" : role;
    c.body = body.dump();
    c.request_id = "t-" + std::to_string(++calls);
    business_reply out = fail_reply(business_error::unavailable, "no answer");
    (*self)->request(account, 30s, call_atom_v, c)
      .receive([&](business_reply& r) { out = std::move(r); },
               [&](caf::error& e) { out = fail_reply(business_error::unavailable, to_string(e)); });
    std::lock_guard<std::mutex> g(rec->m);
    replies.push_back(out.message + "\n" + out.body);
    return out;
  }
  business_reply system_call(const std::string& op, const json& body) {
    return call(op, body, "", "system");
  }
  json ok_body(const business_reply& r) {
    EXPECT_TRUE(r.ok()) << to_string(r.error) << ": " << r.message;
    return json::parse(r.body);
  }

  json register_user(const std::string& name, const std::string& password = "password 123") {
    return ok_body(call("account.register", {{"username", name}, {"password", password}}));
  }
  std::string login(const std::string& name, const std::string& password = "password 123") {
    auto r = call("account.login", {{"username", name}, {"password", password}});
    return r.ok() ? json::parse(r.body).at("token").get<std::string>() : std::string();
  }

  write_status submit_from(const std::string& address) {
    write_request w;
    w.kind = task_kind::account;
    w.from = address;
    w.to = "0x000000000000000000000000000000000000dEaD";
    w.gas_limit = 21000;
    write_status out;
    (*self)->request(txm, 10s, submit_atom_v, w)
      .receive([&](write_status& s) { out = s; },
               [&](caf::error& e) { out.state = "error"; out.error = to_string(e); });
    return out;
  }

  /// The raw key of `address` as the test (knowing the custody secret) can
  /// decrypt it from the stored keystore.
  std::string key_hex(const std::string& address) {
    auto a = eth::address::parse(address);
    auto key = storage::keystore_store(*db).load(a, credentials::custody_password(secret, a));
    return eth::to_hex(eth::bytes_view(key.secret()), false);
  }

  std::string all_replies() {
    std::lock_guard<std::mutex> g(rec->m);
    std::string all;
    for (auto& r : replies)
      all += r + "\n";
    return all;
  }

  scratch_dir dir{"account"};
  recorder_ptr rec = std::make_shared<recorder>();
  std::unique_ptr<storage::database> db;
  std::unique_ptr<account_test_config> cfg;
  std::optional<caf::actor_system> sys;
  std::optional<caf::scoped_actor> self;
  caf::actor dispatcher, token, txm, account;
  std::vector<std::string> replies;   // "message\nbody" of every call
  int calls = 0;
};

} // namespace petrade::test
