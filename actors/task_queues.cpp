#include "actors/task_queues.hpp"

#include <algorithm>

namespace petrade {

namespace {

bool is_write(const task& t) {
  return t.kind != task_kind::read;
}

// How far down a mailbox we look for a task that can leave now; bounded so a
// drain step stays cheap when a mailbox holds thousands of blocked tasks.
constexpr std::size_t scan_limit = 64;

} // namespace

task_queues::task_queues(task_queue_limits limits) : limits_(limits) {}

std::size_t task_queues::size() const {
  std::size_t n = 0;
  for (auto& q : q_)
    n += q.size();
  return n;
}

bool task_queues::push(queued_task t) {
  auto k = index(t.task.kind);
  if (q_[k].size() >= limits_.capacity[k])
    return false;
  t.seq = next_seq_++;
  if (is_write(t.task))
    sender_writes_[t.task.sender].insert(t.seq);
  q_[k].push_back(std::move(t));
  return true;
}

void task_queues::put_back(queued_task t) {
  if (is_write(t.task))
    sender_writes_[t.task.sender].insert(t.seq);
  // A mailbox stays sorted by arrival, so each sender's first queued write
  // is ahead of its others. Pushed to the very front instead, tasks retried
  // one after another piled up newest first; with more of them than the
  // scan window, every sender's first write sat beyond it and the mailbox
  // never moved again (989 writes stuck in an 8-node bench run).
  auto& q = q_[index(t.task.kind)];
  auto at = std::lower_bound(q.begin(), q.end(), t.seq,
                             [](const queued_task& x, std::uint64_t seq) { return x.seq < seq; });
  q.insert(at, std::move(t));
}

bool task_queues::sender_allows(const queued_task& t) const {
  if (!is_write(t.task))
    return true;
  auto it = sender_writes_.find(t.task.sender);
  return it == sender_writes_.end() || it->second.empty() || *it->second.begin() == t.seq;
}

void task_queues::forget_sender(const queued_task& t) {
  if (!is_write(t.task))
    return;
  auto it = sender_writes_.find(t.task.sender);
  if (it == sender_writes_.end())
    return;
  it->second.erase(t.seq);
  if (it->second.empty())
    sender_writes_.erase(it);
}

long task_queues::first_eligible(std::size_t k,
                                 const std::function<bool(const queued_task&)>& can_place) const {
  auto n = std::min(q_[k].size(), scan_limit);
  for (std::size_t i = 0; i < n; ++i)
    if (sender_allows(q_[k][i]) && can_place(q_[k][i]))
      return static_cast<long>(i);
  return -1;
}

std::optional<queued_task>
task_queues::take(const std::function<bool(const queued_task&)>& can_place) {
  std::array<long, task_kind_count> pos;
  for (std::size_t k = 0; k < task_kind_count; ++k)
    pos[k] = first_eligible(k, can_place);
  // An aged task first (the most passed over; ties in priority order), else
  // the first mailbox in priority order: read, deploy, account, contract.
  long chosen = -1;
  for (std::size_t k = 0; k < task_kind_count; ++k) {
    if (pos[k] < 0)
      continue;
    auto& t = q_[k][static_cast<std::size_t>(pos[k])];
    if (t.passed_over >= limits_.age_limit
        && (chosen < 0
            || t.passed_over > q_[static_cast<std::size_t>(chosen)]
                                 [static_cast<std::size_t>(pos[static_cast<std::size_t>(chosen)])]
                                   .passed_over))
      chosen = static_cast<long>(k);
  }
  if (chosen < 0)
    for (std::size_t k = 0; k < task_kind_count && chosen < 0; ++k)
      if (pos[k] >= 0)
        chosen = static_cast<long>(k);
  if (chosen < 0)
    return std::nullopt;
  auto ck = static_cast<std::size_t>(chosen);
  auto it = q_[ck].begin() + pos[ck];
  queued_task out = std::move(*it);
  q_[ck].erase(it);
  forget_sender(out);
  // Everyone left waiting at the front of another mailbox was passed over.
  for (std::size_t k = 0; k < task_kind_count; ++k)
    if (k != ck && !q_[k].empty())
      ++q_[k].front().passed_over;
  return out;
}

std::vector<queued_task> task_queues::expire(std::uint64_t cutoff_ms) {
  std::vector<queued_task> out;
  for (auto& q : q_) {
    for (auto it = q.begin(); it != q.end();) {
      if (it->enqueued_ms < cutoff_ms) {
        forget_sender(*it);
        out.push_back(std::move(*it));
        it = q.erase(it);
      } else {
        ++it;
      }
    }
  }
  return out;
}

} // namespace petrade
