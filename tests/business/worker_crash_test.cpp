// The business actors' worker process SIGKILLed in the middle of the
// scenario: calls fail at once with a clear error while it is down, and after
// a restart the scenario completes with nothing lost and nothing doubled.
#include "tests/business/business_fixture.hpp"

#include "protocol/base64.hpp"

#include <csignal>

namespace petrade::test {
namespace {

using WorkerCrash = BusinessFixture;

TEST_P(WorkerCrash, CallsFailFastWhileDownAndTheScenarioCompletesAfterRestart) {
  sign_up("alice");
  sign_up("bob");
  settle(ok("alice", "token.topup", {{"amount", 1000}}));
  std::vector<std::uint8_t> file(2048, 0x5a);
  auto published = ok("alice", "project.publish",
                      {{"title", "Seed round"}, {"summary", "Five percent of a seed-stage startup"},
                       {"price", 120}, {"keywords", {"seed"}}, {"visibility", "public"},
                       {"file", {{"name", "seed.txt"}, {"content_base64", base64_encode(file)}}}});
  // Bob's top-up is acknowledged, then the worker dies before anyone looks.
  auto topup = ok("bob", "token.topup", {{"amount", 500}, {"idempotency_key", "bob-topup-1"}});
  ASSERT_TRUE(topup.contains("task"));

  worker.signal(SIGKILL);
  std::this_thread::sleep_for(300ms);
  auto t0 = std::chrono::steady_clock::now();
  auto down = call("bob", "project.list");
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(down.error, business_error::unavailable) << down.message;
  EXPECT_NE(down.message.find("worker"), std::string::npos) << down.message;
  EXPECT_LT(waited, 2s) << "a call to a dead worker must not hang";
  EXPECT_EQ(call("bob", "project.buy", {{"id", 1}}).error, business_error::unavailable);

  // Acknowledged writes went on without the worker.
  mined(published);
  mined(topup);

  worker.stop();
  start_worker();
  wait_until_served(60s);

  // The same top-up retried with its key is the same task: one mint, not two.
  auto retried = ok("bob", "token.topup", {{"amount", 500}, {"idempotency_key", "bob-topup-1"}});
  EXPECT_EQ(retried.value("task", 0u), topup.value("task", 1u));
  settle(retried);
  EXPECT_EQ(balance("bob"), "500");

  auto projects = ok("bob", "project.list")["projects"];
  ASSERT_EQ(projects.size(), 1u) << projects.dump();
  auto id = projects[0]["id"].get<std::uint64_t>();
  settle(ok("bob", "project.buy", {{"id", id}}));
  auto got = ok("bob", "project.download", {{"id", id}});
  EXPECT_EQ(base64_decode(got.value("content_base64", "")), file);
  EXPECT_EQ(balance("bob"), "380");
  EXPECT_EQ(balance("alice"), "1120");
  for (auto* u : {"alice", "bob"}) {
    auto bill = ok(u, "token.bill");
    EXPECT_EQ(bill.value("total", "?"), balance(u)) << u << ": " << bill.dump();
  }
  auto bill = ok("bob", "token.bill");
  int topups = 0;
  for (auto& e : bill["entries"])
    topups += e.value("kind", "") == "top-up";
  EXPECT_EQ(topups, 1);
}

INSTANTIATE_TEST_SUITE_P(Placement, WorkerCrash, ::testing::Values(placement::worker_process),
                         placement_name);

} // namespace
} // namespace petrade::test
