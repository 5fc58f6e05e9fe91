// How a business actor hears a write the transaction manager refused: a
// wrong request is the caller's error (400), nodes that did not answer in
// time are a retryable busy (503), an accepted write goes on.
#include "actors/chain_access.hpp"
#include "tests/support/deterministic_config.hpp"
#include "protocol/messages.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>

namespace {

using namespace petrade;

using test_config = petrade::test::deterministic_config;

struct outcome {
  std::optional<write_status> ok;
  std::optional<chain::failure> failed;
};

outcome write_against(const std::string& state) {
  test_config cfg;
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  auto txm = sys.spawn([state](caf::event_based_actor*) -> caf::behavior {
    return {[state](submit_atom, const write_request&) {
      return write_status{state == "accepted" ? 7u : 0u, state, "", 0, 0, "why: " + state};
    }};
  });
  outcome out;
  chain::access chain{caf::actor{}, txm, std::chrono::seconds(1)};
  sys.spawn([&](caf::event_based_actor* self) {
    chain::write(self, chain, write_request{}, [&](const write_status& s) { out.ok = s; },
                 [&](const chain::failure& f) { out.failed = f; });
  });
  sched.run();
  caf::anon_send_exit(txm, caf::exit_reason::user_shutdown);
  sched.run();
  return out;
}

TEST(ChainWrite, RefusalsAreWrongRequestsOrRetryableBusy) {
  auto wrong = write_against("rejected");
  ASSERT_TRUE(wrong.failed);
  EXPECT_EQ(wrong.failed->error, business_error::invalid);
  EXPECT_EQ(http_status(wrong.failed->error), 400);
  EXPECT_EQ(wrong.failed->message, "why: rejected");

  auto busy = write_against("unavailable");
  ASSERT_TRUE(busy.failed);
  EXPECT_EQ(busy.failed->error, business_error::busy);
  EXPECT_EQ(http_status(busy.failed->error), 503);

  auto accepted = write_against("accepted");
  ASSERT_TRUE(accepted.ok);
  EXPECT_FALSE(accepted.failed);
  EXPECT_EQ(accepted.ok->task_id, 7u);
}

} // namespace
