// The supervisor's side of runtime node operations (issue 10): a cordoned
// node stays watched but is withheld; a joining node is held until it is at
// most one block behind and warm, whatever lag its own actor reports; a
// leaving node is let go by the dispatcher first, then forgotten.
#include "tests/actors/supervisor_fixture.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace petrade;
using namespace petrade::test::sup;

// A request under the test coordinator: sent, run, then its answer read.
template <class... Ts>
bool ask(SupervisorTest& t, Ts... xs) {
  bool answer = false;
  auto pending = t.self->request(t.supervisor, caf::infinite, xs...);
  t.sched.run();
  pending.receive([&](bool ok) { answer = ok; }, [](caf::error&) {});
  return answer;
}

TEST_F(SupervisorTest, ACordonedNodeIsWatchedButWithheld) {
  auto all = [] { return std::vector<node_state>{sample(0, true), sample(1, true), sample(2, true)}; };
  interval(all());
  ASSERT_TRUE(ask(*this, cordon_atom_v, std::uint32_t{1}, true));
  auto m = interval(all());
  EXPECT_FALSE(entry(m, 1).admitted);
  EXPECT_NE(entry(m, 1).zone, zone::III) << "cordoned is not broken: its zone is still tracked";
  EXPECT_TRUE(entry(m, 0).admitted);
  ASSERT_TRUE(ask(*this, cordon_atom_v, std::uint32_t{1}, false));
  EXPECT_TRUE(entry(interval(all()), 1).admitted);
}

TEST_F(SupervisorTest, AJoiningNodeIsHeldUntilItHasCaughtUp) {
  node_actors[3] = sys.spawn(stand_in_node, std::uint32_t{3}, rec);
  self->send(supervisor, join_atom_v, std::uint32_t{3}, node_actors[3]);
  sched.run();
  // Its actor has not been told the max head yet: it reports no lag at all.
  auto behind = sample(3, true, 0.2, 4);
  behind.lag_blocks = 0;
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(entry(interval({sample(0, true), sample(1, true), sample(2, true), behind}), 3).admitted);
  // Two blocks behind is still catching up; one block behind, then warm.
  auto near = sample(3, true, 0.2, 8);
  EXPECT_FALSE(entry(interval({sample(0, true), sample(1, true), sample(2, true), near}), 3).admitted);
  auto caught_up = sample(3, true, 0.2, 9);
  zone_map m;
  int samples = 0;
  for (; samples < 6; ++samples) {
    m = interval({sample(0, true), sample(1, true), sample(2, true), caught_up});
    if (entry(m, 3).admitted)
      break;
  }
  EXPECT_TRUE(entry(m, 3).admitted);
  EXPECT_GE(samples, 1) << "admitted without warming";
}

TEST_F(SupervisorTest, ALeavingNodeIsLetGoByTheDispatcherThenForgotten) {
  interval({sample(0, true), sample(1, true), sample(2, true)});
  EXPECT_TRUE(ask(*this, leave_atom_v, std::uint32_t{2}));
  EXPECT_EQ(rec->left, std::vector<std::uint32_t>{2});
  auto m = interval({sample(0, true), sample(1, true), sample(2, true)});   // a late report from it
  for (auto& e : m.nodes)
    EXPECT_NE(e.node, 2u) << "a removed node is back in the zone map";
  EXPECT_FALSE(ask(*this, cordon_atom_v, std::uint32_t{2}, true)) << "a removed node is still known";
  EXPECT_FALSE(ask(*this, leave_atom_v, std::uint32_t{2})) << "a removed node left twice";
}

} // namespace
