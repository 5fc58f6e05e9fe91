// The dispatcher when its nodes go: a node actor that dies has its tasks
// retried elsewhere; a node that leaves gets no new task and is let go
// once its tasks in flight are done (issue 10's drain).
#include "tests/actors/dispatcher_fixture.hpp"

namespace {

using namespace petrade;
using petrade::test::DispatcherTest;
using petrade::test::holding_node;
using petrade::test::held_tasks;

TEST_F(DispatcherTest, ANodeActorThatDiesHasItsTasksRetriedElsewhere) {
  dispatcher_config c;
  c.strategy = "round_robin";
  start(c);
  auto doomed = add_node(0);
  add_node(1);
  zones({{0, zone::II, 0.1, true, 10}, {1, zone::II, 0.1, true, 10}});
  self->send_exit(doomed, caf::exit_reason::kill);
  sched.run();
  for (std::uint64_t i = 1; i <= 4; ++i)
    submit(read(i));
  auto r = settle();
  ASSERT_EQ(r.size(), 4u);
  for (auto& x : r) {
    EXPECT_TRUE(x.ok()) << x.message;
    EXPECT_EQ(x.node, 1u);
  }
}

TEST_F(DispatcherTest, ALeavingNodeGetsNoNewTaskAndLeavesOnceItsTasksInFlightAreDone) {
  dispatcher_config c;
  c.strategy = "round_robin";
  start(c);
  auto held = std::make_shared<held_tasks::element_type>();
  auto slow = sys.spawn(holding_node, 0, log, held);
  actors.push_back(slow);
  self->send(dispatcher, attach_atom_v, std::uint32_t{0}, slow);
  add_node(1);
  zones({{0, zone::II, 0.1, true, 10}, {1, zone::II, 0.1, true, 10}});
  for (std::uint64_t i = 1; i <= 4; ++i)
    submit(read(i));
  settle();
  ASSERT_EQ(held->size(), 2u) << "round robin puts two reads on node 0";

  auto left = std::make_shared<std::optional<bool>>();
  auto d = dispatcher;
  sys.spawn([d, left](caf::event_based_actor* client) {
    client->request(d, caf::infinite, leave_atom_v, std::uint32_t{0}).then([left](bool ok) { *left = ok; });
  });
  sched.run();
  EXPECT_FALSE(left->has_value()) << "answered with two tasks still in flight on the node";
  // The zone map still admits node 0, but nothing new goes there.
  zones({{0, zone::II, 0.1, true, 10}, {1, zone::II, 0.1, true, 10}});
  for (std::uint64_t i = 5; i <= 8; ++i)
    submit(read(i));
  settle();
  for (auto& e : *log)
    if (e.task >= 5)
      EXPECT_EQ(e.node, 1u) << "task " << e.task << " went to the leaving node";

  self->send(slow, tick_atom_v);   // its two tasks end
  auto r = settle();
  ASSERT_TRUE(left->has_value());
  EXPECT_TRUE(**left);
  ASSERT_EQ(r.size(), 8u);
  for (auto& x : r)
    EXPECT_TRUE(x.ok()) << x.message;
}

} // namespace
