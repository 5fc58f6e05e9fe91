// The supervisor under CAF's deterministic test coordinator: zone maps on
// the probe clock, zone III within one interval, repair by restart with
// backoff, re-admission after warming, and respawn of a dead node actor.
// Node actors and the dispatcher are stand-ins that record what they get.
#include "tests/actors/supervisor_fixture.hpp"

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using namespace petrade::test::sup;

TEST_F(SupervisorTest, PublishesAZoneMapEveryIntervalAndTheMaxHeadToNodes) {
  auto before = rec->maps.size();
  auto m = interval({sample(0, true, 0.1, 10), sample(1, true, 0.1, 12), sample(2, true, 0.1, 11)});
  EXPECT_EQ(rec->maps.size(), before + 1);
  EXPECT_EQ(m.nodes.size(), 3u);
  EXPECT_NEAR(m.lbh, 0.0, 1e-9);   // equal nodes
  EXPECT_EQ(m.max_head, 12u);
  EXPECT_EQ(rec->max_head[0], 12u);
  EXPECT_EQ(rec->attached_to_dispatcher[1], 1);
}

TEST_F(SupervisorTest, AnUnreachableNodeIsInZoneIIIInTheNextMap) {
  interval({sample(0, true), sample(1, true), sample(2, true)});
  auto m = interval({sample(0, true), sample(1, false), sample(2, true)});
  EXPECT_EQ(entry(m, 1).zone, zone::III);
  EXPECT_FALSE(entry(m, 1).admitted);
  EXPECT_TRUE(entry(m, 0).admitted);
}

TEST_F(SupervisorTest, AFailingNodeIsRestartedThenWarmedAndReadmitted) {
  interval({sample(0, true), sample(1, true), sample(2, true)});
  for (int i = 0; i < 3; ++i)   // repair_after = 3 failing samples
    interval({sample(0, true), sample(1, false), sample(2, true)});
  EXPECT_EQ(rec->restarts[1], 0);   // drained first
  interval({sample(0, true), sample(1, false), sample(2, true)});
  EXPECT_EQ(rec->restarts[1], 1);
  // Back up: warms for 2 healthy samples (and zone III's own exit count),
  // held from the dispatcher until then.
  auto m = interval({sample(0, true), sample(1, true), sample(2, true)});
  EXPECT_FALSE(entry(m, 1).admitted);
  for (int i = 0; i < 4 && !entry(m, 1).admitted; ++i)
    m = interval({sample(0, true), sample(1, true), sample(2, true)});
  EXPECT_TRUE(entry(m, 1).admitted);
  EXPECT_EQ(rec->restarts[1], 1);
}

TEST_F(SupervisorTest, ARestartThatDoesNotHelpIsRetriedWithBackoff) {
  interval({sample(0, true), sample(1, true), sample(2, true)});
  std::vector<int> restart_at;
  for (int i = 0; i < 30; ++i) {
    int before = rec->restarts[2];
    interval({sample(0, true), sample(1, true), sample(2, false)});
    if (rec->restarts[2] > before)
      restart_at.push_back(i);
  }
  ASSERT_GE(restart_at.size(), 3u);
  auto gap1 = restart_at[1] - restart_at[0];
  auto gap2 = restart_at[2] - restart_at[1];
  EXPECT_GT(gap2, gap1);   // the wait doubles
}

TEST_F(SupervisorTest, ABusyNodeIsKeptFromWorkButNeverRestarted) {
  for (int i = 0; i < 10; ++i) {
    auto m = interval({sample(0, true, 0.1), sample(1, true, 0.99), sample(2, true, 0.1)});
    EXPECT_EQ(entry(m, 1).zone, zone::III);
  }
  EXPECT_EQ(rec->restarts[1], 0);
}

TEST_F(SupervisorTest, ADeadNodeActorIsRespawnedAndAttachedAgain) {
  int made = 0;
  // A second supervisor with a respawn factory.
  supervisor_config c = cfg;
  c.respawn = [&](std::uint32_t id) {
    ++made;
    auto fresh = sys.spawn(stand_in_node, id, rec);
    node_actors[100 + id] = fresh;
    return fresh;
  };
  auto sup = spawn_supervisor(sys, c, dispatcher);
  auto victim = sys.spawn(stand_in_node, 7u, rec);
  self->send(sup, attach_atom_v, 7u, victim);
  sched.run();
  EXPECT_EQ(rec->attached_to_dispatcher[7], 1);
  self->send_exit(victim, caf::exit_reason::kill);
  sched.run();
  EXPECT_EQ(made, 1);
  EXPECT_EQ(rec->attached_to_dispatcher[7], 2);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST(RepairPlan, StepsThroughDrainRestartWarmAdmit) {
  supervisor_config cfg;
  cfg.repair_after = 2;
  cfg.warm_samples = 2;
  repair_plan p(cfg);
  auto down = sample(0, false);
  auto up = sample(0, true);
  EXPECT_EQ(p.step(down), repair_plan::action::none);
  EXPECT_EQ(p.step(down), repair_plan::action::hold);
  EXPECT_EQ(p.phase(), repair_phase::draining);
  EXPECT_EQ(p.step(down), repair_plan::action::restart);
  EXPECT_EQ(p.phase(), repair_phase::restarting);
  EXPECT_EQ(p.step(up), repair_plan::action::none);
  EXPECT_EQ(p.phase(), repair_phase::warming);
  EXPECT_EQ(p.step(up), repair_plan::action::admit);
  EXPECT_EQ(p.phase(), repair_phase::serving);
  EXPECT_EQ(p.restarts(), 1u);
}

TEST(RepairPlan, ANodeThatIsCatchingUpIsNotRestartedAgain) {
  supervisor_config cfg;
  cfg.repair_after = 1;
  cfg.backoff_samples = 2;
  repair_plan p(cfg);
  auto down = sample(0, false);
  EXPECT_EQ(p.step(down), repair_plan::action::hold);
  EXPECT_EQ(p.step(down), repair_plan::action::restart);
  // Back up but far behind, importing: its head moves every sample.
  for (std::uint64_t head = 1; head <= 20; ++head) {
    auto s = sample(0, true, 0.2, head);
    s.lag_blocks = 100 - head;
    EXPECT_EQ(p.step(s), repair_plan::action::none) << "head " << head;
    EXPECT_EQ(p.phase(), repair_phase::catching_up);
  }
  EXPECT_EQ(p.restarts(), 1u);
  // Stuck behind: the head stops moving, so it is restarted again.
  auto stuck = sample(0, true, 0.2, 20);
  stuck.lag_blocks = 80;
  p.step(stuck);
  p.step(stuck);   // backoff_samples = 2 without progress
  EXPECT_EQ(p.phase(), repair_phase::draining);
}

TEST(RepairPlan, LagAboveTheLimitCountsAsFailingButLoadDoesNot) {
  supervisor_config cfg;
  cfg.repair_after = 1;
  cfg.stuck_after = 1;
  repair_plan lagging(cfg);
  auto s = sample(0, true);
  s.lag_blocks = cfg.feedback.lag_max + 1;
  EXPECT_EQ(lagging.step(s), repair_plan::action::hold);
  repair_plan busy(cfg);
  EXPECT_EQ(busy.step(sample(0, true, 1.0)), repair_plan::action::none);
}

// A follower stuck behind usually waits on a sealer too busy to hand out
// blocks; a restart cannot help and a re-import from genesis makes it worse.
// It gets `stuck_after` samples, far more than a silent node's `repair_after`.
TEST(RepairPlan, AStuckFollowerGetsALongerWindowThanASilentNode) {
  supervisor_config cfg;
  cfg.repair_after = 3;
  cfg.stuck_after = 12;
  repair_plan p(cfg);
  auto stuck = sample(0, true, 0.3, 50);
  stuck.lag_blocks = cfg.feedback.lag_max + 100;
  for (int i = 0; i < 11; ++i)
    EXPECT_EQ(p.step(stuck), repair_plan::action::none) << "sample " << i;
  EXPECT_EQ(p.step(stuck), repair_plan::action::hold);

  repair_plan silent(cfg);
  auto down = sample(0, false, 0.3, 50);
  EXPECT_EQ(silent.step(down), repair_plan::action::none);
  EXPECT_EQ(silent.step(down), repair_plan::action::none);
  EXPECT_EQ(silent.step(down), repair_plan::action::hold);
}

// Answering nothing while burning CPU is overload (followers replaying a
// burst on a 0.1-core quota), not a hang: the long window applies, and a
// restarted node that works is given time to start before another restart.
TEST(RepairPlan, ANodeAtWorkThatAnswersNothingGetsTheLongWindow) {
  supervisor_config cfg;
  cfg.repair_after = 3;
  cfg.stuck_after = 8;
  cfg.backoff_samples = 2;
  repair_plan p(cfg);
  auto overloaded = sample(0, false, 1.0, 50);
  overloaded.busy = true;
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(p.step(overloaded), repair_plan::action::none) << "sample " << i;
  EXPECT_EQ(p.step(overloaded), repair_plan::action::hold);
  EXPECT_EQ(p.step(overloaded), repair_plan::action::restart);
  // Starting up: silent but at work, for longer than the backoff.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(p.step(overloaded), repair_plan::action::none) << "sample " << i;
    EXPECT_NE(p.phase(), repair_phase::draining);
  }
  // Idle and silent: the backoff runs out and it is restarted again.
  auto dead = sample(0, false, 0.0, 50);
  p.step(dead);
  p.step(dead);
  EXPECT_EQ(p.phase(), repair_phase::draining);
  EXPECT_EQ(p.restarts(), 1u);
}

// A node whose calls time out under load still answers: the zones keep work
// away from it, but restarting it would only cost a sealer minutes of
// re-import. Errors alone are not a reason to restart.
TEST(RepairPlan, ANodeThatAnswersIsNotRestartedForItsErrorRate) {
  supervisor_config cfg;
  cfg.repair_after = 2;
  repair_plan p(cfg);
  auto erring = sample(0, true, 0.9, 5);
  erring.error_rate = 1.0;
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(p.step(erring), repair_plan::action::none) << "sample " << i;
  EXPECT_EQ(p.phase(), repair_phase::serving);
  EXPECT_EQ(p.restarts(), 0u);
  auto silent = erring;
  silent.reachable = false;
  EXPECT_EQ(p.step(silent), repair_plan::action::none);
  EXPECT_EQ(p.step(silent), repair_plan::action::hold);
}

// Under a write burst a follower falls behind while importing; restarting it
// would send it back to genesis. Only a head that stops moving is failing.
TEST(RepairPlan, ALaggingNodeWhoseHeadMovesIsNotRestarted) {
  supervisor_config cfg;
  cfg.stuck_after = 3;
  repair_plan p(cfg);
  for (std::uint64_t head = 10; head < 40; ++head) {
    auto s = sample(0, true, 0.5, head);
    s.lag_blocks = cfg.feedback.lag_max + 20;
    EXPECT_EQ(p.step(s), repair_plan::action::none) << "head " << head;
  }
  EXPECT_EQ(p.phase(), repair_phase::serving);
  auto stuck = sample(0, true, 0.5, 39);
  stuck.lag_blocks = cfg.feedback.lag_max + 20;
  EXPECT_EQ(p.step(stuck), repair_plan::action::none);
  EXPECT_EQ(p.step(stuck), repair_plan::action::none);
  EXPECT_EQ(p.step(stuck), repair_plan::action::hold);
  EXPECT_EQ(p.step(stuck), repair_plan::action::restart);
}

} // namespace
