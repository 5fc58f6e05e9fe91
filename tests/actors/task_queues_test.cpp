// Drain order, ageing, bounds and per-sender order of the dispatcher's
// mailboxes, deterministically.
#include "actors/task_queues.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;

queued_task make(task_kind kind, std::uint64_t id, std::string sender = {}) {
  queued_task t;
  t.task.id = id;
  t.task.kind = kind;
  t.task.sender = std::move(sender);
  return t;
}

auto anywhere = [](const queued_task&) { return true; };

std::vector<std::uint64_t> drain(task_queues& q) {
  std::vector<std::uint64_t> ids;
  while (auto t = q.take(anywhere))
    ids.push_back(t->task.id);
  return ids;
}

TEST(TaskQueues, ReadsFirstThenDeployAccountContract) {
  task_queues q;
  q.push(make(task_kind::contract, 1, "a"));
  q.push(make(task_kind::account, 2, "b"));
  q.push(make(task_kind::deploy, 3, "c"));
  q.push(make(task_kind::read, 4));
  q.push(make(task_kind::read, 5));
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{4, 5, 3, 2, 1}));
}

TEST(TaskQueues, AContractWaitsBehindAtMostKReads) {
  for (std::uint32_t k : {1u, 3u, 8u}) {
    task_queue_limits limits;
    limits.age_limit = k;
    task_queues q(limits);
    q.push(make(task_kind::contract, 1000, "a"));
    for (std::uint64_t i = 0; i < 100; ++i)
      q.push(make(task_kind::read, i));
    auto order = drain(q);
    auto at = std::find(order.begin(), order.end(), 1000u) - order.begin();
    EXPECT_EQ(at, static_cast<long>(k)) << "K = " << k;
  }
}

TEST(TaskQueues, NoKindStarvesUnderAStreamOfReadsAndDeploys) {
  task_queue_limits limits;
  limits.age_limit = 4;
  task_queues q(limits);
  q.push(make(task_kind::contract, 9000, "c"));
  q.push(make(task_kind::account, 8000, "b"));
  std::vector<std::uint64_t> order;
  // Keep the read and deploy mailboxes full while draining.
  for (std::uint64_t i = 0; i < 50; ++i) {
    q.push(make(task_kind::read, i));
    q.push(make(task_kind::deploy, 100 + i, "d" + std::to_string(i)));
    order.push_back(q.take(anywhere)->task.id);
  }
  auto pos = [&](std::uint64_t id) {
    return std::find(order.begin(), order.end(), id) - order.begin();
  };
  EXPECT_LE(pos(8000), 4 + 1);
  EXPECT_LE(pos(9000), 2 * (4 + 1));
}

TEST(TaskQueues, AFullMailboxRefusesAndOthersStillAccept) {
  task_queue_limits limits;
  limits.capacity = {2, 2, 2, 2};
  task_queues q(limits);
  EXPECT_TRUE(q.push(make(task_kind::read, 1)));
  EXPECT_TRUE(q.push(make(task_kind::read, 2)));
  EXPECT_FALSE(q.push(make(task_kind::read, 3)));
  EXPECT_TRUE(q.push(make(task_kind::contract, 4, "a")));
  EXPECT_EQ(q.depth(task_kind::read), 2u);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{1, 2, 4}));
}

TEST(TaskQueues, WritesOfOneSenderLeaveInArrivalOrderAcrossMailboxes) {
  task_queues q;
  q.push(make(task_kind::contract, 1, "alice"));   // nonce n
  q.push(make(task_kind::deploy, 2, "alice"));     // nonce n+1: must wait
  q.push(make(task_kind::deploy, 3, "bob"));
  q.push(make(task_kind::account, 4, "alice"));    // nonce n+2
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{3, 1, 2, 4}));
}

TEST(TaskQueues, ATaskNoNodeCanTakeStaysAndOthersPass) {
  task_queues q;
  q.push(make(task_kind::read, 1));
  q.push(make(task_kind::read, 2));
  auto not_one = [](const queued_task& t) { return t.task.id != 1; };
  EXPECT_EQ(q.take(not_one)->task.id, 2u);
  EXPECT_FALSE(q.take(not_one).has_value());
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.take(anywhere)->task.id, 1u);
}

TEST(TaskQueues, ARetriedWriteKeepsItsPlaceInItsSendersOrder) {
  task_queues q;
  q.push(make(task_kind::contract, 1, "alice"));
  q.push(make(task_kind::contract, 2, "alice"));
  auto first = q.take(anywhere);
  ASSERT_EQ(first->task.id, 1u);
  first->attempts = 1;
  q.put_back(*first);   // its node failed: back in front of task 2
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{1, 2}));
}

TEST(TaskQueues, ManyRetriedWritesNeverHideTheirSendersFirstWrite) {
  // 100 writes of four senders all in flight, then failing in the order
  // they were sent: put back, each sender's first write must still be
  // found within the mailbox's scan window, and every write leaves.
  task_queues q;
  const std::vector<std::string> senders{"a", "b", "c", "d"};
  for (std::uint64_t id = 1; id <= 100; ++id)
    ASSERT_TRUE(q.push(make(task_kind::contract, id, senders[id % 4])));
  std::vector<queued_task> running;
  while (auto t = q.take(anywhere))
    running.push_back(std::move(*t));
  ASSERT_EQ(running.size(), 100u);
  for (auto& t : running)
    q.put_back(std::move(t));
  EXPECT_EQ(q.size(), 100u);
  auto order = drain(q);
  ASSERT_EQ(order.size(), 100u);
  for (std::size_t i = 0; i < order.size(); ++i)
    EXPECT_EQ(order[i], i + 1);
}

TEST(TaskQueues, ExpireRemovesOnlyOldTasks) {
  task_queues q;
  auto old_task = make(task_kind::read, 1);
  old_task.enqueued_ms = 100;
  auto new_task = make(task_kind::contract, 2, "a");
  new_task.enqueued_ms = 900;
  q.push(old_task);
  q.push(new_task);
  auto gone = q.expire(500);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].task.id, 1u);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{2}));
}

} // namespace
