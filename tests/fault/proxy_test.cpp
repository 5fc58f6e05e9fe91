// The dispatcher against faults injected between it and its node actors:
// dropped, delayed and duplicated tasks, and a node actor killed while a
// task is in flight. Deterministic (CAF's test coordinator, virtual time).
#include "actors/dispatcher.hpp"
#include "tests/support/deterministic_config.hpp"
#include "tests/fault/fault_proxy.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using test::fault;

using test_config = petrade::test::deterministic_config;

// A node that answers every task at once, counting what it executed.
caf::behavior counting_node(caf::event_based_actor*, std::shared_ptr<int> executed) {
  return {
    [=](execute_atom, const task& t) {
      ++*executed;
      task_result r;
      r.id = t.id;
      r.result = "\"0x2a\"";
      return r;
    },
  };
}

// A node that never answers (its task stays in flight until it is killed).
caf::behavior silent_node(caf::event_based_actor* self) {
  return {
    [=](execute_atom, const task&) -> caf::result<task_result> {
      return self->make_response_promise<task_result>();
    },
  };
}

class FaultTest : public ::testing::Test {
protected:
  void SetUp() override {
    dispatcher_config c;
    c.strategy = "round_robin";
    c.node_timeout = 1s;
    dispatcher = spawn_dispatcher(sys, c);
    sched.run();
  }
  void TearDown() override {
    for (auto& a : actors)
      self->send_exit(a, caf::exit_reason::user_shutdown);
    self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
    sched.run();
  }

  caf::actor node(std::shared_ptr<int> executed) {
    auto n = sys.spawn(counting_node, executed);
    actors.push_back(n);
    return n;
  }

  caf::actor proxy(caf::actor target, fault mode, std::chrono::milliseconds delay = 0ms) {
    auto p = sys.spawn(test::fault_proxy, target, mode, delay, counters);
    actors.push_back(p);
    return p;
  }

  void attach(std::uint32_t id, caf::actor a) {
    self->send(dispatcher, attach_atom_v, id, a);
    sched.run();
  }

  void zones(std::uint32_t count) {
    zone_map m;
    m.version = 1;
    m.margin = 1;
    for (std::uint32_t i = 0; i < count; ++i)
      m.nodes.push_back({i, zone::II, 0.1, true, 10});
    self->send(dispatcher, zones_atom_v, m, std::vector<node_state>{});
    sched.run();
  }

  void submit(std::uint64_t id) {
    task t;
    t.id = id;
    t.method = "eth_blockNumber";
    auto d = dispatcher;
    auto* out = &results;
    sys.spawn([d, out, t](caf::event_based_actor* client) {
      client->request(d, caf::infinite, submit_atom_v, t).then([out](task_result r) {
        out->push_back(std::move(r));
      });
    });
    sched.run();
  }

  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  caf::actor dispatcher;
  std::vector<caf::actor> actors;
  std::vector<task_result> results;
  std::shared_ptr<test::fault_counters> counters = std::make_shared<test::fault_counters>();
};

TEST_F(FaultTest, ADroppedTaskTimesOutAndIsRetriedOnAnotherNode) {
  auto executed = std::make_shared<int>(0);
  attach(0, proxy(node(executed), fault::drop));
  attach(1, node(executed));
  zones(2);
  submit(1);
  EXPECT_TRUE(results.empty());   // node 0 swallowed it
  sched.advance_time(1s);         // the dispatcher's per-attempt timeout
  sched.run();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0].node, 1u);
  EXPECT_EQ(results[0].attempts, 2u);
  EXPECT_EQ(*executed, 1);
}

TEST_F(FaultTest, ADelayedAnswerArrivesOnceAndLate) {
  auto executed = std::make_shared<int>(0);
  attach(0, proxy(node(executed), fault::delay, 300ms));
  zones(1);
  submit(1);
  EXPECT_TRUE(results.empty());
  sched.advance_time(300ms);
  sched.run();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0].attempts, 1u);
  EXPECT_EQ(*executed, 1);
}

TEST_F(FaultTest, ADuplicatedTaskRunsTwiceButIsAnsweredOnce) {
  auto executed = std::make_shared<int>(0);
  attach(0, proxy(node(executed), fault::duplicate));
  zones(1);
  submit(1);
  sched.run();
  EXPECT_EQ(*executed, 2);        // the node saw both copies
  ASSERT_EQ(results.size(), 1u);  // the client one answer
  EXPECT_TRUE(results[0].ok());
}

TEST_F(FaultTest, ANodeActorKilledWithATaskInFlightHasItRetried) {
  auto executed = std::make_shared<int>(0);
  auto doomed = sys.spawn(silent_node);
  attach(0, doomed);
  attach(1, node(executed));
  zones(2);
  submit(1);
  EXPECT_TRUE(results.empty());   // in flight on the silent node
  self->send_exit(doomed, caf::exit_reason::kill);
  sched.run();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0].node, 1u);
  EXPECT_EQ(*executed, 1);
}

} // namespace
