// The dispatcher's four typed mailboxes (design §4), without any actor
// machinery so drain order and ageing are testable on their own.
//
// Order: reads first (FIFO), then deploy > account > contract. Ageing: every
// time a task is taken, the first waiting task of each other mailbox is
// "passed over" once; a task passed over `age_limit` times goes next (the
// most passed-over first), so a contract call waits behind at most
// `age_limit` other tasks however many reads keep arriving. Writes of one
// sender leave in the order they came, across mailboxes, so their nonces
// reach the nodes in order. Every mailbox is bounded: push refuses when full.
#pragma once

#include "protocol/task.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace petrade {

struct queued_task {
  petrade::task task;
  std::uint64_t key = 0;           // the dispatcher's handle for the task
  std::uint64_t seq = 0;           // arrival order, set by push
  std::uint32_t passed_over = 0;   // ageing counter
  std::uint32_t attempts = 0;      // nodes tried so far
  std::vector<std::uint32_t> excluded;  // nodes that failed this task
  std::uint64_t enqueued_ms = 0;
};

struct task_queue_limits {
  std::array<std::size_t, task_kind_count> capacity{4096, 1024, 1024, 4096};
  std::uint32_t age_limit = 8;
};

class task_queues {
public:
  explicit task_queues(task_queue_limits limits = {});

  /// False when the task's mailbox is full (the caller answers "busy").
  bool push(queued_task t);
  /// Puts back a task that was taken but could not run (a failed attempt),
  /// in its place by arrival order: near the front, and never behind a later
  /// write of its sender.
  void put_back(queued_task t);

  /// Takes the next task in drain order whose placement `can_place` accepts
  /// (a node is free for it); tasks it rejects stay where they are.
  std::optional<queued_task> take(const std::function<bool(const queued_task&)>& can_place);

  std::size_t depth(task_kind k) const { return q_[index(k)].size(); }
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  std::size_t capacity(task_kind k) const { return limits_.capacity[index(k)]; }

  /// Removes and returns the tasks enqueued before `cutoff_ms`.
  std::vector<queued_task> expire(std::uint64_t cutoff_ms);

private:
  static std::size_t index(task_kind k) { return static_cast<std::size_t>(k); }
  // Position of the first task in mailbox k that may leave now, or -1.
  long first_eligible(std::size_t k, const std::function<bool(const queued_task&)>& can_place) const;
  bool sender_allows(const queued_task& t) const;
  void forget_sender(const queued_task& t);

  task_queue_limits limits_;
  std::array<std::deque<queued_task>, task_kind_count> q_;
  std::uint64_t next_seq_ = 1;
  // Per sender, the sequence numbers of its queued writes (smallest leaves first).
  std::map<std::string, std::set<std::uint64_t>> sender_writes_;
};

} // namespace petrade
