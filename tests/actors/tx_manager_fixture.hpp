// The transaction manager's unit fixture: CAF's deterministic test
// coordinator and a stand-in dispatcher that plays a chain the test edits
// between steps. Used by tx_manager_test.cpp and tx_recovery_test.cpp.
#pragma once

#include "actors/tx_manager.hpp"
#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "tests/support/deterministic_config.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace petrade::test::txm {

using namespace std::chrono_literals;
using json = nlohmann::json;

// What the stand-in chain knows; the test edits it between steps.
struct fake_chain {
  std::vector<std::string> sent;              // raw transactions, in order
  std::map<std::string, json> receipts;       // by transaction hash
  std::map<std::uint64_t, std::string> blocks; // height -> block hash
  std::uint64_t head = 0;
  std::uint64_t pending = 5;
  std::optional<std::uint64_t> safe;          // the safe head; the head when unset
  bool estimates_hang = false;                // eth_estimateGas never answered
  std::string send_error;                     // eth_sendRawTransaction's error, if any
  std::vector<caf::response_promise> held;    // the unanswered requests
};
using chain_ptr = std::shared_ptr<fake_chain>;

inline caf::behavior stand_in_dispatcher(caf::event_based_actor* self, chain_ptr chain) {
  return {
    [chain](safe_head_atom) { return chain->safe.value_or(chain->head); },
    [self, chain](submit_atom, const task& t) -> caf::result<task_result> {
      if (t.method == "eth_estimateGas" && chain->estimates_hang) {
        chain->held.push_back(self->make_response_promise());
        return caf::delegated<task_result>();
      }
      task_result r;
      r.id = t.id;
      auto p = json::parse(t.params);
      if (t.method == "eth_getTransactionCount") {
        r.result = json(eth::to_quantity(chain->pending)).dump();
      } else if (t.method == "eth_sendRawTransaction") {
        auto raw = p[0].get<std::string>();
        chain->sent.push_back(raw);
        if (!chain->send_error.empty()) {
          r.error = task_error::rpc;
          r.message = chain->send_error;
          return r;
        }
        r.result = json(eth::to_hex(eth::transaction::decode(eth::from_hex(raw)).hash())).dump();
      } else if (t.method == "eth_getTransactionReceipt") {
        auto it = chain->receipts.find(p[0].get<std::string>());
        r.result = it == chain->receipts.end() ? "null" : it->second.dump();
      } else if (t.method == "eth_blockNumber") {
        r.result = json(eth::to_quantity(chain->head)).dump();
      } else if (t.method == "eth_getBlockByNumber") {
        auto n = static_cast<std::uint64_t>(eth::from_quantity(p[0].get<std::string>()));
        auto it = chain->blocks.find(n);
        r.result = it == chain->blocks.end() ? "null" : json{{"hash", it->second}}.dump();
      } else if (t.method == "eth_call") {
        r.error = task_error::rpc;
        r.code = 3;
        r.message = "execution reverted";
        r.result = json(eth::to_hex(eth::abi::encode_error_string("sold out"))).dump();
      } else {
        r.error = task_error::rpc;
        r.message = "method not found";
      }
      return r;
    },
  };
}

inline std::string block_hash(int tag) {
  return "0x" + std::string(62, '0') + eth::to_hex(eth::bytes{static_cast<std::uint8_t>(tag)}, false);
}

class TxManagerUnit : public ::testing::Test {
protected:
  void SetUp() override {
    db = std::make_unique<storage::database>(dir / "db");
    dispatcher = sys.spawn(stand_in_dispatcher, chain);
  }

  void TearDown() override {
    self->send_exit(txm, caf::exit_reason::user_shutdown);
    self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(std::uint32_t confirmations = 1, std::size_t reads_per_poll = 256) {
    tx_manager_config c;
    c.db = db.get();
    c.dispatcher = dispatcher;
    c.confirmations = confirmations;
    c.reads_per_poll = reads_per_poll;
    txm = spawn_tx_manager(sys, c);
    self->send(txm, unlock_atom_v, std::string(test::dev_addr0), std::string(test::dev_keys[0]));
    sched.run();
  }

  // Sends one request from a client actor and returns its answer.
  template <class... Ts>
  write_status ask(Ts... xs) {
    auto out = std::make_shared<write_status>();
    auto t = txm;
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(t, caf::infinite, xs...).then([out](write_status s) { *out = s; });
    });
    sched.run();
    return *out;
  }

  // The (status_atom) summary, parsed.
  json summary() {
    auto out = std::make_shared<std::string>();
    auto t = txm;
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(t, caf::infinite, status_atom_v).then([out](std::string s) { *out = s; });
    });
    sched.run();
    return json::parse(*out);
  }

  write_status submit_transfer() {
    write_request r;
    r.kind = task_kind::account;
    r.from = test::dev_addr0;
    r.to = "0x000000000000000000000000000000000000dEaD";
    r.gas_limit = 21000;
    return ask(submit_atom_v, r);
  }

  // Lets `d` of virtual time pass, one poll interval at a time.
  void pass(std::chrono::milliseconds d) {
    for (auto t = 0ms; t < d; t += 500ms) {
      sched.advance_time(500ms);
      sched.run();
    }
  }

  void mine(const std::string& tx_hash, std::uint64_t block, int tag, const char* status = "0x1") {
    chain->receipts[tx_hash] = {{"blockNumber", eth::to_quantity(block)},
                                {"blockHash", block_hash(tag)},
                                {"status", status}};
    chain->blocks[block] = block_hash(tag);
    chain->head = std::max(chain->head, block);
  }

  test::scratch_dir dir{"txm-unit"};
  std::unique_ptr<storage::database> db;
  chain_ptr chain = std::make_shared<fake_chain>();
  deterministic_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  caf::actor dispatcher;
  caf::actor txm;
};

} // namespace petrade::test::txm
