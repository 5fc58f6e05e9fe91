// The business actors' worker process SIGKILLed in the middle of the
// scenario: calls fail at once with a clear error while it is down, and after
// a restart the scenario completes with nothing lost and nothing doubled.
#include "tests/business/business_fixture.hpp"

#include "protocol/base64.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <set>
#include <thread>
#include <vector>

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
  expect_balance("bob", "500");

  auto projects = ok("bob", "project.list")["projects"];
  ASSERT_EQ(projects.size(), 1u) << projects.dump();
  auto id = projects[0]["id"].get<std::uint64_t>();
  settle(ok("bob", "project.buy", {{"id", id}}));
  auto got = ok("bob", "project.download", {{"id", id}});
  EXPECT_EQ(base64_decode(got.value("content_base64", "")), file);
  expect_balance("bob", "380");
  expect_balance("alice", "1120");
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

// Four users top up at once, over and over, while the worker is SIGKILLed
// and restarted. A call that fails is retried with its idempotency key, as
// a client would; in the end each key is one task, one mint, one bill line.
TEST_P(WorkerCrash, UnderLoadNothingIsLostOrDoubledAndCallsFailFastWhileDown) {
  const std::vector<std::string> users{"alice", "bob", "carol", "dave"};
  for (auto& u : users)
    sign_up(u);

  struct outcome {
    std::map<std::string, std::uint64_t> task_of_key;   // acknowledged keys
    std::map<std::string, int> amount_of_key;
    int unavailable = 0, other_errors = 0;
    std::chrono::steady_clock::duration slowest_failure{};
    std::string example;
  };
  std::vector<outcome> outcomes(users.size());
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < users.size(); ++i)
    clients.emplace_back([&, i] {
      auto& out = outcomes[i];
      for (int k = 0; !stop; ++k) {
        auto key = users[i] + "-topup-" + std::to_string(k);
        int amount = 1 + k % 7;
        for (int attempt = 0; attempt < 200; ++attempt) {   // until acknowledged
          auto t0 = std::chrono::steady_clock::now();
          auto r = call(users[i], "token.topup", {{"amount", amount}, {"idempotency_key", key}});
          auto took = std::chrono::steady_clock::now() - t0;
          if (r.ok()) {
            auto task = json::parse(r.body).value("task", std::uint64_t{0});
            if (out.task_of_key.count(key) && out.task_of_key[key] != task)
              ++out.other_errors;   // the same key answered with two tasks
            out.task_of_key[key] = task;
            out.amount_of_key[key] = amount;
            break;
          }
          if (r.error == business_error::unavailable) {
            ++out.unavailable;
            out.slowest_failure = std::max(out.slowest_failure, took);
            if (out.example.empty())
              out.example = r.message;
          } else {
            ++out.other_errors;
            out.example = std::string(to_string(r.error)) + ": " + r.message;
          }
          std::this_thread::sleep_for(100ms);
        }
      }
    });

  std::this_thread::sleep_for(2s);
  worker.signal(SIGKILL);
  std::this_thread::sleep_for(2s);
  worker.stop();
  start_worker();
  wait_until_served(60s);
  std::this_thread::sleep_for(3s);
  stop = true;
  for (auto& c : clients)
    c.join();

  int unavailable = 0;
  for (std::size_t i = 0; i < users.size(); ++i) {
    auto& out = outcomes[i];
    unavailable += out.unavailable;
    EXPECT_EQ(out.other_errors, 0) << users[i] << ": " << out.example;
    EXPECT_LT(out.slowest_failure, 2s) << users[i] << ": a call to a dead worker must not hang";
    if (!out.example.empty() && out.unavailable > 0)
      EXPECT_NE(out.example.find("worker"), std::string::npos) << out.example;
    // Every acknowledged key is mined once; its retry is the same task.
    std::set<std::uint64_t> tasks;
    int expected = 0;
    for (auto& [key, task] : out.task_of_key) {
      tasks.insert(task);
      expected += out.amount_of_key[key];
      auto again = ok(users[i], "token.topup", {{"amount", out.amount_of_key[key]}, {"idempotency_key", key}});
      EXPECT_EQ(again.value("task", std::uint64_t{0}), task) << key;
    }
    EXPECT_EQ(tasks.size(), out.task_of_key.size()) << users[i] << ": two keys share a task";
    ASSERT_GT(out.task_of_key.size(), 2u) << users[i] << " got almost nothing done";
    for (auto& [key, task] : out.task_of_key)
      settle(json{{"task", task}});
    expect_balance(users[i], std::to_string(expected));
    auto bill = ok(users[i], "token.bill");
    EXPECT_EQ(bill.value("total", "?"), balance(users[i])) << users[i] << ": " << bill.dump();
    std::size_t topups = 0;
    for (auto& e : bill["entries"])
      topups += e.value("kind", "") == "top-up";
    EXPECT_EQ(topups, out.task_of_key.size()) << users[i];
  }
  EXPECT_GT(unavailable, 0) << "the load never met the dead worker";
  std::cout << "worker crash under load: ";
  for (std::size_t i = 0; i < users.size(); ++i)
    std::cout << users[i] << " " << outcomes[i].task_of_key.size() << " top-ups, "
              << outcomes[i].unavailable << " refused while down; ";
  std::cout << "\n";
}

INSTANTIATE_TEST_SUITE_P(Placement, WorkerCrash, ::testing::Values(placement::worker_process),
                         placement_name);

} // namespace
} // namespace petrade::test
