#include "actors/node_actor.hpp"

#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/messages.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <unordered_map>

namespace petrade {

namespace {

using clock_type = std::chrono::steady_clock;
using json = nlohmann::json;

/// What spawn_node_actor prepares before the actor exists, so that a bad
/// config throws to the caller instead of killing the actor.
struct node_parts {
  node_actor_config cfg;
  std::shared_ptr<jsonrpc::client> rpc;      // tasks
  std::shared_ptr<jsonrpc::client> submit;   // eth_sendRawTransaction
  std::shared_ptr<jsonrpc::client> probe_rpc;   // own pool: never queues behind tasks
  std::unique_ptr<probe> sampler;
};

struct node_actor_state {
  // Declared first, destroyed last: the clients go before the io_runner.
  std::shared_ptr<node_parts> parts;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<task_result>> calls;
  std::uint64_t next_call = 1;

  double latency_ms = 0;   // EWMA of round trips
  bool has_latency = false;
  double error_rate = 0;   // EWMA of transport failures (1) and answers (0)

  std::uint64_t head = 0;
  std::uint64_t max_head = 0;   // from the supervisor
  bool reachable = false;
  clock_type::time_point answered_at{};   // the node's last answer to a task call
  probe_sample sample;
  bool sample_fresh = false;   // this round's sample succeeded (else `sample` is an older one)

  std::uint64_t timer_seq = 0;  // only the newest timer chain keeps ticking
  std::uint64_t round = 0;
  bool head_pending = false;
  bool sample_pending = false;
  clock_type::time_point round_started{};

  node_state last;
  std::shared_ptr<std::atomic<bool>> restarting = std::make_shared<std::atomic<bool>>(false);

  static inline const char* name = "petrade.node_actor";
};

using node_actor = caf::stateful_actor<node_actor_state>;

/// Sends to the actor from any thread, if it still exists.
template <class... Ts>
void post(const caf::weak_actor_ptr& weak, Ts&&... xs) {
  if (auto strong = weak.lock())
    caf::anon_send(caf::actor_cast<caf::actor>(strong), std::forward<Ts>(xs)...);
}

double elapsed_ms(clock_type::time_point since) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - since).count();
}

task_result base_result(const task& t, std::uint32_t node) {
  task_result out;
  out.id = t.id;
  out.node = node;
  out.attempts = 1;
  return out;
}

/// Maps a call's outcome: a node's error answer is task_error::rpc (its data,
/// e.g. revert bytes, goes to `result`); no answer at all is unreachable.
task_result map_result(const jsonrpc::call_result& r, task_result out) {
  if (r.ok()) {
    out.result = r.value.dump();
    return out;
  }
  const auto& e = *r.error;
  if (e.kind == jsonrpc::error_kind::rpc) {
    out.error = task_error::rpc;
    out.code = e.code;
    out.message = e.message;
    if (e.data)
      out.result = e.data->dump();
  } else {
    out.error = task_error::unreachable;
    out.message = e.describe();
  }
  return out;
}

/// The round trip to feed the latency EWMA, or < 0 when there is none
/// (connection refused and the like say nothing about the node's speed).
double rtt_sample(const jsonrpc::call_result& r, clock_type::time_point started) {
  if (r.ok() || r.error->kind == jsonrpc::error_kind::rpc
      || r.error->kind == jsonrpc::error_kind::timeout)
    return elapsed_ms(started);
  return -1;
}

void record(node_actor* self, double rtt, bool failed) {
  auto& st = self->state;
  auto a = std::clamp(st.parts->cfg.ewma_alpha, 0.0, 1.0);
  if (rtt >= 0) {
    st.latency_ms = st.has_latency ? a * rtt + (1 - a) * st.latency_ms : rtt;
    st.has_latency = true;
  }
  st.error_rate = a * (failed ? 1.0 : 0.0) + (1 - a) * st.error_rate;
}

node_state compose(node_actor* self) {
  auto& st = self->state;
  const auto& cfg = st.parts->cfg;
  node_state s;
  s.node = cfg.index;
  s.name = cfg.name;
  s.reachable = st.reachable;
  s.busy = st.sample_fresh && st.sample.cpu >= 0.2;
  s.head = st.head;
  s.sampled_at_ms = static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now().time_since_epoch())
      .count());
  s.cpu_cores = st.sample.cpu_cores;
  s.mem_bytes = st.sample.mem_bytes;
  s.latency_ms = st.latency_ms;
  s.error_rate = st.error_rate;
  s.inflight = static_cast<std::uint32_t>(st.calls.size());
  s.inflight_cap = cfg.inflight_cap;
  auto top = std::max(st.max_head, st.head);
  s.lag_blocks = top - st.head;
  s.set(dimension::cpu, st.sample.cpu);
  s.set(dimension::mem, st.sample.mem);
  s.set(dimension::lag, normalise(static_cast<double>(s.lag_blocks), static_cast<double>(cfg.lag_cap)));
  s.set(dimension::latency, normalise(st.latency_ms, cfg.latency_ceiling_ms));
  s.set(dimension::errors, std::clamp(st.error_rate, 0.0, 1.0));
  s.set(dimension::inflight, normalise(s.inflight, cfg.inflight_cap));
  return s;
}

void maybe_report(node_actor* self) {
  auto& st = self->state;
  if (st.head_pending || st.sample_pending)
    return;
  st.last = compose(self);
  if (auto& sup = st.parts->cfg.supervisor)
    self->send(sup, report_atom_v, st.last);
}

std::chrono::milliseconds probe_timeout(const node_actor_config& cfg) {
  if (cfg.probe_timeout.count() > 0)
    return cfg.probe_timeout;
  return std::max(std::chrono::milliseconds(1), cfg.probe_interval * 3 / 5);
}

/// One probe round: eth_blockNumber and a cpu/mem sample, both asynchronous;
/// the report goes out when both are back.
void start_round(node_actor* self) {
  auto& st = self->state;
  auto now = clock_type::now();
  const auto& cfg = st.parts->cfg;
  if ((st.head_pending || st.sample_pending)
      && now - st.round_started < std::max<clock_type::duration>(3 * cfg.probe_interval,
                                                                  probe_timeout(cfg) + cfg.probe_interval))
    return;   // still out (a stuck round is abandoned after 3 intervals, or its timeout)
  auto round = ++st.round;
  st.head_pending = st.sample_pending = true;
  st.round_started = now;
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  st.parts->probe_rpc->call(
    "eth_blockNumber", json::array(),
    [weak, round, now](jsonrpc::call_result r) {
      auto rtt = rtt_sample(r, now);
      post(weak, probe_atom_v, round, rtt, map_result(r, task_result{}));
    },
    probe_timeout(st.parts->cfg));
  st.parts->sampler->sample([weak, round](probe_sample s) {
    post(weak, probe_atom_v, round, s.ok, s.cpu_cores, s.mem_bytes, s.cpu, s.mem);
  });
}

void on_head(node_actor* self, std::uint64_t round, double rtt, const task_result& r) {
  auto& st = self->state;
  if (round != st.round || !st.head_pending)
    return;
  st.head_pending = false;
  record(self, rtt, r.error == task_error::unreachable);
  // An error answer is an answer, and so is a task call answered while this
  // round's probe was out: a node too busy to answer the probe in time is
  // slow, not down, and must not be restarted for it. Only answers from this
  // round count, so a node frozen right after its last answer is still
  // seen as down within one round.
  st.reachable = r.error != task_error::unreachable || st.answered_at >= st.round_started;
  if (r.ok()) {
    try {
      auto head = static_cast<std::uint64_t>(eth::from_quantity(json::parse(r.result).get<std::string>()));
      st.head = head;
      st.max_head = std::max(st.max_head, head);
    } catch (const std::exception&) {
      // a malformed answer leaves the head where it was
    }
  }
  maybe_report(self);
}

caf::result<task_result> execute(node_actor* self, task& t) {
  auto& st = self->state;
  const auto& cfg = st.parts->cfg;
  auto out = base_result(t, cfg.index);
  json params;
  try {
    params = t.params.empty() ? json::array() : json::parse(t.params);
  } catch (const std::exception& e) {
    out.error = task_error::invalid;
    out.message = std::string("params are not JSON: ") + e.what();
    return out;
  }
  if (t.method.empty() || !(params.is_array() || params.is_object() || params.is_null())) {
    out.error = task_error::invalid;
    out.message = "a task needs a method and params that are an array or an object";
    return out;
  }
  if (st.calls.size() >= cfg.inflight_cap) {
    out.error = task_error::busy;
    out.message = cfg.name + " has " + std::to_string(st.calls.size()) + " calls in flight";
    return out;
  }
  auto& client = t.method == "eth_sendRawTransaction" ? st.parts->submit : st.parts->rpc;
  auto id = st.next_call++;
  auto rp = self->make_response_promise<task_result>();
  st.calls.emplace(id, rp);
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto started = clock_type::now();
  try {
    client->call(
      t.method, std::move(params),
      [weak, id, started, out](jsonrpc::call_result r) {
        auto rtt = rtt_sample(r, started);
        post(weak, execute_atom_v, id, rtt, map_result(r, out));
      },
      cfg.call_timeout);
  } catch (const std::exception& e) {
    st.calls.erase(id);
    out.error = task_error::invalid;
    out.message = e.what();
    rp.deliver(std::move(out));
  }
  return rp;
}

caf::behavior node_actor_impl(node_actor* self, std::shared_ptr<node_parts> parts) {
  auto& st = self->state;
  st.parts = std::move(parts);
  st.last = compose(self);
  st.last.reachable = false;
  self->send(self, probe_atom_v, st.timer_seq);   // the first probe now
  return {
    [=](execute_atom, task& t) { return execute(self, t); },
    [=](execute_atom, std::uint64_t id, double rtt, task_result& r) {
      auto& st = self->state;
      auto i = st.calls.find(id);
      if (i == st.calls.end())
        return;
      record(self, rtt, r.error == task_error::unreachable);
      if (r.error != task_error::unreachable)
        st.answered_at = clock_type::now();
      auto rp = std::move(i->second);
      st.calls.erase(i);
      rp.deliver(std::move(r));
    },
    [=](probe_atom, std::uint64_t seq) {   // the periodic timer
      auto& st = self->state;
      if (seq != st.timer_seq)
        return;
      self->delayed_send(self, st.parts->cfg.probe_interval, probe_atom_v, ++st.timer_seq);
      start_round(self);
    },
    [=](probe_atom) { start_round(self); },
    [=](probe_atom, std::uint64_t round, double rtt, task_result& r) {
      on_head(self, round, rtt, r);
    },
    [=](probe_atom, std::uint64_t round, bool ok, double cores, double bytes, double cpu,
        double mem) {
      auto& st = self->state;
      if (round != st.round || !st.sample_pending)
        return;
      st.sample_pending = false;
      st.sample_fresh = ok;
      if (ok) {   // a failed sample keeps the last good one
        st.sample.cpu_cores = cores;
        st.sample.mem_bytes = bytes;
        st.sample.cpu = cpu;
        st.sample.mem = mem;
      }
      maybe_report(self);
    },
    [=](report_atom, std::uint64_t max_head) { self->state.max_head = max_head; },
    [=](attach_atom, caf::actor& supervisor) {
      self->state.parts->cfg.supervisor = std::move(supervisor);
    },
    [=](status_atom) { return self->state.last; },
    [=](restart_atom) {
      auto& st = self->state;
      auto cb = st.parts->cfg.restart;
      if (!cb || st.restarting->exchange(true))
        return false;
      // The restarted node is a new process: the old one's failures and
      // round trips say nothing about it.
      st.error_rate = 0;
      st.has_latency = false;
      st.latency_ms = 0;
      st.answered_at = {};
      // A blocking actor runs on its own thread, never on the scheduler's;
      // the actor system waits for it at shutdown.
      self->spawn([cb, flag = st.restarting](caf::blocking_actor*) {
        try {
          cb();
        } catch (...) {
          // the launcher reports its own failures; the next probe shows the node
        }
        flag->store(false);
      });
      return true;
    },
  };
}

std::shared_ptr<jsonrpc::client> make_client(jsonrpc::io_runner& io, const std::string& url,
                                             std::size_t connections,
                                             std::chrono::milliseconds timeout) {
  jsonrpc::client_options opts;
  opts.max_connections = std::max<std::size_t>(1, connections);
  opts.default_timeout = timeout;
  return jsonrpc::client::create(io, url, opts);
}

} // namespace

caf::actor spawn_node_actor(caf::actor_system& sys, node_actor_config cfg) {
  if (!cfg.io)
    throw std::invalid_argument("node actor " + cfg.name + ": no io_runner");
  if (cfg.url.empty())
    throw std::invalid_argument("node actor " + cfg.name + ": no url");
  if (cfg.probe_interval.count() <= 0 || cfg.inflight_cap == 0)
    throw std::invalid_argument("node actor " + cfg.name
                                + ": probe_interval and inflight_cap must be positive");
  auto parts = std::make_shared<node_parts>();
  auto& io = *cfg.io;
  auto pool = std::min<std::size_t>(cfg.inflight_cap, 64);
  parts->rpc = make_client(io, cfg.url, pool, cfg.call_timeout);
  parts->submit = cfg.submit_url.empty() || cfg.submit_url == cfg.url
                    ? parts->rpc
                    : make_client(io, cfg.submit_url, pool, cfg.call_timeout);
  parts->probe_rpc = make_client(io, cfg.url, 2, probe_timeout(cfg));
  if (cfg.probe.kind == probe_kind::geth_metrics && cfg.probe.timeout > probe_timeout(cfg))
    cfg.probe.timeout = probe_timeout(cfg);
  parts->sampler = make_probe(cfg.probe, &io);
  if (!parts->sampler)
    throw std::invalid_argument("node actor " + cfg.name + ": cannot read the cgroup "
                                + cfg.probe.cgroup_dir);
  parts->cfg = std::move(cfg);
  return sys.spawn(node_actor_impl, std::move(parts));
}

} // namespace petrade
