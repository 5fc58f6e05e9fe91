// The dispatcher's test fixture, shared by its suites: CAF's deterministic
// test coordinator, node actors that are stand-ins (answering at once, or
// holding tasks until told), and helpers to submit tasks and publish zones.
// What is under test is the dispatcher.
#pragma once

#include "actors/dispatcher.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"
#include "tests/support/deterministic_config.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace petrade::test {

using test_config = deterministic_config;

struct executed {
  std::uint32_t node;
  std::uint64_t task;
};
using exec_log = std::shared_ptr<std::vector<executed>>;

// A node that answers every task at once, or fails as unreachable; it
// answers eth_getCode with a JSON-RPC error.
inline caf::behavior stand_in_node(caf::event_based_actor*, std::uint32_t id, exec_log log,
                                   bool reachable) {
  return {
    [=](execute_atom, const task& t) {
      log->push_back({id, t.id});
      task_result r;
      r.id = t.id;
      if (!reachable) {
        r.error = task_error::unreachable;
        r.message = "connection refused";
      } else if (t.method == "eth_getCode") {
        r.error = task_error::rpc;
        r.code = -32000;
        r.message = "header not found";
      } else {
        r.result = "\"0x1\"";
      }
      return r;
    },
  };
}

// A node that holds every task until it gets (tick_atom), then answers
// them all: tasks in flight for as long as a test needs.
using held_tasks = std::shared_ptr<std::vector<std::pair<caf::typed_response_promise<task_result>, task_result>>>;

inline caf::behavior holding_node(caf::event_based_actor* self, std::uint32_t id, exec_log log, held_tasks held) {
  return {
    [=](execute_atom, const task& t) {
      log->push_back({id, t.id});
      task_result r;
      r.id = t.id;
      r.result = "\"0x1\"";
      auto rp = self->make_response_promise<task_result>();
      held->emplace_back(rp, r);
      return rp;
    },
    [=](tick_atom) {
      for (auto& [rp, r] : *held)
        rp.deliver(r);
      held->clear();
    },
  };
}

class DispatcherTest : public ::testing::Test {
protected:
  // ~actor_system waits for every actor: end the long-lived ones first.
  void TearDown() override {
    for (auto& a : actors)
      self->send_exit(a, caf::exit_reason::user_shutdown);
    self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(dispatcher_config cfg) {
    dispatcher = spawn_dispatcher(sys, cfg);
    sched.run();
  }

  caf::actor add_node(std::uint32_t id, bool reachable = true) {
    auto n = sys.spawn(stand_in_node, id, log, reachable);
    actors.push_back(n);
    self->send(dispatcher, attach_atom_v, id, n);
    sched.run();
    return n;
  }

  void zones(std::vector<zone_entry> entries, double margin = 1.0) {
    zone_map m;
    m.version = ++version;
    m.margin = margin;
    m.nodes = std::move(entries);
    self->send(dispatcher, zones_atom_v, m, std::vector<node_state>{});
    sched.run();
  }

  // Submits without waiting; the answer lands in `results`.
  void submit(task t) {
    auto d = dispatcher;
    auto* out = &results;
    sys.spawn([d, out, t](caf::event_based_actor* client) {
      client->request(d, caf::infinite, submit_atom_v, t).then([out](task_result r) {
        out->push_back(std::move(r));
      });
    });
  }

  // The dispatcher's (status_atom) answer, parsed.
  nlohmann::json status() {
    auto out = std::make_shared<std::string>();
    auto d = dispatcher;
    sys.spawn([d, out](caf::event_based_actor* client) {
      client->request(d, caf::infinite, status_atom_v).then([out](std::string s) { *out = s; });
    });
    sched.run();
    return nlohmann::json::parse(*out);
  }

  // Runs everything and returns the answers so far.
  std::vector<task_result> settle() {
    sched.run();
    return results;
  }

  task read(std::uint64_t id, std::uint64_t min_block = 0) {
    task t;
    t.id = id;
    t.method = "eth_blockNumber";
    t.min_block = min_block;
    return t;
  }

  task write(std::uint64_t id, task_kind kind, int key = 0, std::uint64_t nonce = 0) {
    auto k = eth::private_key::from_hex(test::dev_keys[key]);
    eth::transaction tx;
    tx.chain_id = 31337;
    tx.nonce = nonce;
    tx.max_fee_per_gas = 1000;
    tx.gas_limit = 100000;
    if (kind == task_kind::deploy)
      tx.data = {0x60, 0x00};
    else
      tx.to = eth::address::parse("0x000000000000000000000000000000000000dEaD");
    tx.sign(k);
    task t;
    t.id = id;
    t.kind = kind;
    t.method = "eth_sendRawTransaction";
    t.params = nlohmann::json::array({eth::to_hex(tx.raw())}).dump();
    t.sender = k.address().hex();
    return t;
  }

  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  caf::actor dispatcher;
  exec_log log = std::make_shared<std::vector<executed>>();
  std::vector<task_result> results;
  std::vector<caf::actor> actors;
  std::uint64_t version = 0;
};

} // namespace petrade::test
