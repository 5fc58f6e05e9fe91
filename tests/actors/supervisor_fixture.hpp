// The supervisor under CAF's deterministic test coordinator, with stand-ins
// for the node actors and the dispatcher that record what they get. Shared
// by supervisor_test.cpp and supervisor_node_ops_test.cpp.
#pragma once

#include "actors/repair_plan.hpp"
#include "actors/supervisor.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"
#include "tests/support/deterministic_config.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>

namespace petrade::test::sup {

using namespace petrade;
using test_config = petrade::test::deterministic_config;

struct recorder {
  std::vector<zone_map> maps;
  std::map<std::uint32_t, int> restarts;
  std::map<std::uint32_t, int> attached_to_dispatcher;
  std::map<std::uint32_t, std::uint64_t> max_head;
  std::vector<std::uint32_t> left;   // nodes the dispatcher was asked to let go
};
using record = std::shared_ptr<recorder>;

inline caf::behavior stand_in_dispatcher(caf::event_based_actor*, record rec) {
  return {
    [=](zones_atom, const zone_map& m, const std::vector<node_state>&) { rec->maps.push_back(m); },
    [=](attach_atom, std::uint32_t node, const caf::actor&) { ++rec->attached_to_dispatcher[node]; },
    [=](leave_atom, std::uint32_t node) {
      rec->left.push_back(node);
      return true;
    },
  };
}

inline caf::behavior stand_in_node(caf::event_based_actor*, std::uint32_t id, record rec) {
  return {
    [=](restart_atom) { ++rec->restarts[id]; },
    [=](attach_atom, const caf::actor&) {},
    [=](report_atom, std::uint64_t head) { rec->max_head[id] = head; },
  };
}

inline node_state sample(std::uint32_t node, bool reachable, double load = 0.2, std::uint64_t head = 10) {
  node_state s;
  s.node = node;
  s.name = "node" + std::to_string(node);
  s.reachable = reachable;
  s.head = head;
  for (auto& v : s.s)
    v = load;
  return s;
}

class SupervisorTest : public ::testing::Test {
public:   // the node-operation tests drive it from helpers
  void SetUp() override {
    cfg.repair_after = 3;
    cfg.warm_samples = 2;
    cfg.backoff_samples = 2;
    dispatcher = sys.spawn(stand_in_dispatcher, rec);
    supervisor = spawn_supervisor(sys, cfg, dispatcher);
    sched.run();
    for (std::uint32_t i = 0; i < 3; ++i)
      attach(i);
  }
  void TearDown() override {
    for (auto& a : {dispatcher, supervisor})
      self->send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& [id, n] : node_actors)
      self->send_exit(n, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void attach(std::uint32_t id) {
    node_actors[id] = sys.spawn(stand_in_node, id, rec);
    self->send(supervisor, attach_atom_v, id, node_actors[id]);
    sched.run();
  }

  // One probe interval: every node reports, then the supervisor's tick fires.
  zone_map interval(std::vector<node_state> reports) {
    for (auto& r : reports)
      self->send(supervisor, report_atom_v, r);
    sched.run();
    sched.advance_time(cfg.probe_interval);
    sched.run();
    return rec->maps.back();
  }

  const zone_entry& entry(const zone_map& m, std::uint32_t node) {
    for (auto& e : m.nodes)
      if (e.node == node)
        return e;
    throw std::runtime_error("node missing from the zone map");
  }

  supervisor_config cfg;
  test_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  record rec = std::make_shared<recorder>();
  caf::actor dispatcher, supervisor;
  std::map<std::uint32_t, caf::actor> node_actors;
};

} // namespace petrade::test::sup
