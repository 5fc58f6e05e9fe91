#include "actors/dispatcher.hpp"

#include "actors/dispatch_stats.hpp"
#include "actors/strategy.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace petrade {

namespace {

using json = nlohmann::json;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now().time_since_epoch())
                                      .count());
}

struct node_slot {
  caf::actor handle;
  std::uint32_t inflight = 0;
  // Set while the node is removed: it takes no new task, and the promise
  // is kept once its last task in flight has ended.
  std::optional<caf::response_promise> leaving;
};

struct dispatcher_state {
  dispatcher_config cfg;
  std::unique_ptr<strategy> route;
  task_queues queues;
  std::map<std::uint32_t, node_slot> nodes;
  zone_map zones;
  std::unordered_map<std::uint32_t, node_state> states;
  // By the dispatcher's own key, not the client's task id: many clients
  // submit, and their ids need not be unique across them.
  struct waiter {
    caf::response_promise reply;
    task_kind kind = task_kind::read;   // for the kind/outcome tally
  };
  std::unordered_map<std::uint64_t, waiter> waiting;
  std::uint64_t next_key = 1;
  struct attempt {
    std::uint32_t node = 0;
    queued_task task;
    std::chrono::steady_clock::time_point started;   // for the latency histogram
  };
  std::unordered_map<std::uint64_t, attempt> running;   // in flight, by key
  bool drain_scheduled = false;
  bool have_zones = false;
  std::map<std::string, std::uint64_t> counters;
  // Per node id; kept when a node actor dies so the histogram (a Prometheus
  // counter family) never goes backwards across restarts.
  std::map<std::uint32_t, latency_histogram> latency;
  task_tally tally;

  static inline const char* name = "dispatcher";

  bool paused() const { return !have_zones || zones.margin <= 0; }

  // Nodes that could take `t` now, as the strategy sees them.
  std::vector<node_view> candidates(const queued_task& t) const {
    std::vector<node_view> out;
    for (auto& z : zones.nodes) {
      auto it = nodes.find(z.node);
      if (it == nodes.end() || !z.admitted || it->second.leaving || it->second.inflight >= cfg.inflight_cap
          || z.head < t.task.min_block
          || std::find(t.excluded.begin(), t.excluded.end(), z.node) != t.excluded.end())
        continue;
      auto st = states.find(z.node);
      out.push_back({z.node, z.zone, z.load, it->second.inflight, cfg.inflight_cap, z.head,
                     st == states.end() ? nullptr : &st->second});
    }
    return out;
  }

  std::optional<std::uint32_t> pick(const queued_task& t) {
    auto c = candidates(t);
    if (c.empty())
      return std::nullopt;
    auto i = route->pick(t.task.kind, c);
    if (!i)
      return std::nullopt;
    return c[*i].node;
  }
};

using dispatcher_actor = caf::stateful_actor<dispatcher_state>;

void finish(dispatcher_actor* self, std::uint64_t id, task_result r) {
  auto& st = self->state;
  auto it = st.waiting.find(id);
  if (it == st.waiting.end())
    return;
  ++st.counters[r.ok() ? "ok" : r.error == task_error::rpc ? "rpc_error" : "failed"];
  st.tally.add(it->second.kind, r.error);
  it->second.reply.deliver(std::move(r));
  st.waiting.erase(it);
}

void schedule_drain(dispatcher_actor* self) {
  if (!self->state.drain_scheduled && !self->state.queues.empty()) {
    self->state.drain_scheduled = true;
    self->send(self, drain_atom_v);
  }
}

// A task that failed on `node`: tried elsewhere while attempts remain.
void retry_or_fail(dispatcher_actor* self, queued_task t, std::uint32_t node,
                   const std::string& why) {
  auto& st = self->state;
  t.excluded.push_back(node);
  if (t.attempts < st.cfg.max_attempts) {
    ++st.counters["retried"];
    st.queues.put_back(std::move(t));
    schedule_drain(self);
    return;
  }
  task_result r;
  r.id = t.task.id;
  r.error = task_error::unreachable;
  r.message = "no node answered after " + std::to_string(t.attempts) + " attempts: " + why;
  r.attempts = t.attempts;
  r.node = node;
  finish(self, t.key, std::move(r));
}

// A removed node whose last task has ended: forgotten, and the remover told.
void let_go(dispatcher_actor* self, std::uint32_t node) {
  auto& st = self->state;
  auto it = st.nodes.find(node);
  if (it == st.nodes.end())
    return;
  auto rp = std::move(*it->second.leaving);
  self->demonitor(it->second.handle);
  st.nodes.erase(it);
  st.states.erase(node);
  rp.deliver(true);
}

// Ends the attempt of task `id` on `node`; false when it already ended (the
// node actor died and the task moved on).
bool end_attempt(dispatcher_actor* self, std::uint64_t id, std::uint32_t node) {
  auto& st = self->state;
  auto it = st.running.find(id);
  if (it == st.running.end() || it->second.node != node)
    return false;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - it->second.started;
  st.latency[node].observe(took.count());
  st.running.erase(it);
  if (auto slot = st.nodes.find(node); slot != st.nodes.end()) {
    if (slot->second.inflight > 0)
      --slot->second.inflight;
    if (slot->second.leaving && slot->second.inflight == 0)
      let_go(self, node);
  }
  schedule_drain(self);
  return true;
}

void run_on_node(dispatcher_actor* self, queued_task t, std::uint32_t node) {
  auto& st = self->state;
  auto& slot = st.nodes[node];
  ++slot.inflight;
  ++t.attempts;
  ++st.counters["dispatched_" + std::string(to_string(t.task.kind))];
  st.running[t.key] = {node, t, std::chrono::steady_clock::now()};
  self->request(slot.handle, st.cfg.node_timeout, execute_atom_v, t.task)
    .then(
      [self, t, node](task_result r) mutable {
        if (!end_attempt(self, t.key, node))
          return;
        if (r.error == task_error::unreachable) {
          retry_or_fail(self, std::move(t), node, r.message);
          return;
        }
        r.attempts = t.attempts;
        r.node = node;
        finish(self, t.key, std::move(r));
      },
      [self, t, node](caf::error& err) mutable {
        if (end_attempt(self, t.key, node))
          retry_or_fail(self, std::move(t), node, "node actor: " + to_string(err));
      });
}

void drain(dispatcher_actor* self) {
  auto& st = self->state;
  st.drain_scheduled = false;
  if (st.paused())
    return;
  // Whether some node could take a task; side-effect free, because
  // strategies keep state (round-robin position, p2c's generator) and must
  // be asked exactly once per dispatched task.
  auto placeable = [&](const queued_task& t) { return !st.candidates(t).empty(); };
  for (std::size_t n = 0; n < st.cfg.drain_batch; ++n) {
    auto t = st.queues.take(placeable);
    if (!t)
      return;   // nothing can move until a node frees up or the zones change
    auto target = st.pick(*t);
    if (!target) {   // e.g. only zone III nodes left for this task
      st.queues.put_back(std::move(*t));
      return;
    }
    run_on_node(self, std::move(*t), *target);
  }
  schedule_drain(self);   // yield to new submissions, then go on
}

std::string status_json(const dispatcher_state& st) {
  json j;
  j["strategy"] = st.route->name();
  j["paused"] = st.paused();
  for (std::size_t k = 0; k < task_kind_count; ++k) {
    auto kind = static_cast<task_kind>(k);
    j["mailboxes"][to_string(kind)] = {{"depth", st.queues.depth(kind)},
                                       {"capacity", st.queues.capacity(kind)}};
  }
  for (auto& [id, slot] : st.nodes)
    j["inflight"][std::to_string(id)] = slot.inflight;
  j["waiting"] = st.waiting.size();
  for (auto& [k, v] : st.counters)
    j["counters"][k] = v;
  for (auto& [id, h] : st.latency)
    j["latency"][std::to_string(id)] = {{"buckets", h.bounds},
                                        {"counts", h.cumulative},
                                        {"sum", h.sum},
                                        {"count", h.count}};
  for (std::size_t k = 0; k < task_kind_count; ++k)
    for (std::size_t o = 0; o < task_outcome_count; ++o)
      j["tasks"][to_string(static_cast<task_kind>(k))][to_string(static_cast<task_outcome>(o))]
        = st.tally.n[k][o];
  return j.dump();
}

caf::behavior dispatcher_behavior(dispatcher_actor* self, dispatcher_config cfg) {
  self->state.cfg = cfg;
  self->state.route = make_strategy(cfg.strategy, cfg.feedback, cfg.seed);
  self->state.queues = task_queues(cfg.queues);
  // A node actor that dies takes no answers with it (CAF drops them): its
  // tasks in flight move on now instead of waiting for their timeouts.
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    std::optional<std::uint32_t> gone;
    std::optional<caf::response_promise> remover;
    for (auto it = st.nodes.begin(); it != st.nodes.end(); ++it)
      if (it->second.handle.address() == dm.source) {
        gone = it->first;
        remover = std::move(it->second.leaving);
        st.nodes.erase(it);
        break;
      }
    if (!gone)
      return;
    std::vector<queued_task> orphans;
    for (auto it = st.running.begin(); it != st.running.end();) {
      if (it->second.node == *gone) {
        orphans.push_back(std::move(it->second.task));
        it = st.running.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& t : orphans)
      retry_or_fail(self, std::move(t), *gone, "node actor " + std::to_string(*gone) + " died");
    if (remover)   // its tasks have moved on: as good as drained
      remover->deliver(true);
  });
  self->send(self, tick_atom_v);
  return {
    [self](submit_atom, task& t) -> caf::result<task_result> {
      auto& st = self->state;
      task_result refused;
      refused.id = t.id;
      if (auto why = validate_task(t, st.cfg.chain_id); !why.empty()) {
        ++st.counters["invalid"];
        st.tally.add(t.kind, task_error::invalid);
        refused.error = task_error::invalid;
        refused.message = why;
        return refused;
      }
      queued_task q;
      q.task = t;
      auto key = q.key = st.next_key++;
      q.enqueued_ms = now_ms();
      auto kind = t.kind;
      if (!st.queues.push(std::move(q))) {
        ++st.counters["busy"];
        st.tally.add(kind, task_error::busy);
        refused.error = task_error::busy;
        refused.message = std::string(to_string(kind)) + " mailbox is full ("
                          + std::to_string(st.queues.capacity(kind)) + " tasks); retry later";
        return refused;
      }
      auto rp = self->make_response_promise<task_result>();
      st.waiting.emplace(key, dispatcher_state::waiter{rp, kind});
      schedule_drain(self);
      return rp;
    },
    [self](attach_atom, std::uint32_t node, caf::actor handle) {
      self->monitor(handle);
      self->state.nodes[node].handle = std::move(handle);
      self->state.latency[node];   // its histogram shows (empty) from the start
      schedule_drain(self);
    },
    [self](leave_atom, std::uint32_t node) -> caf::result<bool> {
      auto it = self->state.nodes.find(node);
      if (it == self->state.nodes.end())
        return true;
      auto rp = self->make_response_promise<bool>();
      it->second.leaving = rp;
      if (it->second.inflight == 0)
        let_go(self, node);
      return rp;
    },
    [self](backlog_atom) {   // the fullest mailbox's fill, for the elastic pool
      double fill = 0;
      for (std::size_t k = 0; k < task_kind_count; ++k) {
        auto kind = static_cast<task_kind>(k);
        fill = std::max(fill, static_cast<double>(self->state.queues.depth(kind))
                                / static_cast<double>(std::max<std::size_t>(self->state.queues.capacity(kind), 1)));
      }
      return fill;
    },
    [self](zones_atom, zone_map& zones, std::vector<node_state>& states) {
      auto& st = self->state;
      st.zones = std::move(zones);
      st.have_zones = true;
      st.states.clear();   // a removed node's last sample goes with it
      for (auto& s : states)
        st.states[s.node] = std::move(s);
      schedule_drain(self);
    },
    [self](drain_atom) { drain(self); },
    [self](tick_atom) {
      auto& st = self->state;
      auto cutoff = now_ms() - static_cast<std::uint64_t>(st.cfg.queue_timeout.count());
      for (auto& t : st.queues.expire(cutoff)) {
        task_result r;
        r.id = t.task.id;
        r.error = task_error::unreachable;
        r.message = "no node could take the task within "
                    + std::to_string(st.cfg.queue_timeout.count()) + " ms";
        finish(self, t.key, std::move(r));
      }
      self->delayed_send(self, std::chrono::seconds(1), tick_atom_v);
    },
    [self](status_atom) { return status_json(self->state); },
    [self](safe_head_atom) {
      std::vector<std::uint64_t> heads;
      for (auto& [node, s] : self->state.states)
        if (s.reachable)
          heads.push_back(s.head);
      return safe_head(std::move(heads), self->state.nodes.size());
    },
  };
}

} // namespace

std::uint64_t safe_head(std::vector<std::uint64_t> reachable_heads, std::size_t nodes) {
  std::size_t needed = nodes >= 2 ? 2 : 1;
  if (reachable_heads.size() < needed)
    return 0;
  std::sort(reachable_heads.begin(), reachable_heads.end(), std::greater<>());
  return reachable_heads[needed - 1];
}

std::string validate_task(const task& t, std::uint64_t chain_id) {
  if (static_cast<std::size_t>(t.kind) >= task_kind_count)
    return "unknown task kind " + std::to_string(static_cast<unsigned>(t.kind));
  if (t.method.empty())
    return "task has no method";
  json params;
  try {
    params = json::parse(t.params);
  } catch (const std::exception&) {
    return "task params are not JSON: " + t.params.substr(0, 80);
  }
  if (!params.is_array() && !params.is_object())
    return "task params must be a JSON array or object";
  bool raw_write = t.method == "eth_sendRawTransaction";
  if (t.kind == task_kind::read) {
    if (raw_write || t.method == "eth_sendTransaction")
      return "a read task cannot send a transaction (" + t.method + ")";
    return {};
  }
  if (!raw_write)
    return std::string(to_string(t.kind)) + " task must be eth_sendRawTransaction, got "
           + t.method;
  if (!params.is_array() || params.size() != 1 || !params[0].is_string())
    return "eth_sendRawTransaction takes one hex string";
  eth::transaction tx;
  try {
    tx = eth::transaction::decode(eth::from_hex(params[0].get<std::string>()),
                                  chain_id ? std::optional<std::uint64_t>(chain_id)
                                           : std::nullopt);
  } catch (const std::exception& e) {
    return std::string("not a valid signed transaction: ") + e.what();
  }
  eth::address from;
  try {
    from = tx.sender();
  } catch (const std::exception& e) {
    return std::string("transaction signature is invalid: ") + e.what();
  }
  eth::address claimed;
  try {
    claimed = eth::address::parse(t.sender);
  } catch (const std::exception&) {
    return "task sender '" + t.sender + "' is not an address";
  }
  if (from != claimed)
    return "transaction is signed by " + from.checksummed() + ", not by the task's sender "
           + claimed.checksummed();
  if (t.kind == task_kind::deploy && (tx.to || tx.data.empty()))
    return tx.to ? "a deploy task must create a contract (it has a recipient)"
                 : "a deploy task needs init code (calldata is empty)";
  return {};
}

caf::actor spawn_dispatcher(caf::actor_system& sys, dispatcher_config cfg) {
  make_strategy(cfg.strategy, cfg.feedback, cfg.seed);   // throws on a bad name, here
  return sys.spawn(dispatcher_behavior, std::move(cfg));
}

} // namespace petrade
