#include "actors/supervisor.hpp"

#include "actors/repair_plan.hpp"
#include "actors/zone_tracker.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <set>

namespace petrade {

namespace {

struct watched_node {
  caf::actor handle;
  node_state last;
  bool has_sample = false;
  std::unique_ptr<repair_plan> repair;
};

struct supervisor_state {
  supervisor_config cfg;
  caf::actor dispatcher;
  zone_tracker zones;
  std::map<std::uint32_t, watched_node> nodes;
  zone_map last_map;
  std::uint64_t version = 0;
  // Operators' holds, kept apart from the repair's: a repaired node that
  // comes back must not lift a cordon.
  std::set<std::uint32_t> cordoned;
  std::set<std::uint32_t> leaving;   // being drained before removal
  elastic_pool pool;
  double fill = 0;                   // the dispatcher's, last asked

  static inline const char* name = "supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void publish(supervisor_actor* self) {
  auto& st = self->state;
  std::vector<node_state> samples;
  std::uint64_t round_max_head = 0;
  for (auto& [id, n] : st.nodes)
    if (n.has_sample) {
      samples.push_back(n.last);
      if (n.last.reachable)
        round_max_head = std::max(round_max_head, n.last.head);
    }
  // A node actor measures its lag against the max head it was last told; a
  // new one has not been told yet and would look caught up at any height.
  for (auto& s : samples)
    if (s.reachable && round_max_head > s.head)
      s.lag_blocks = std::max(s.lag_blocks, round_max_head - s.head);
  // Repairs act on this round's samples before the map goes out, so a node
  // that is drained is already withheld in the map that announces it.
  for (auto& s : samples) {
    auto& n = st.nodes[s.node];
    switch (n.repair->step(s)) {
      case repair_plan::action::hold:
        st.zones.hold(s.node, true);
        break;
      case repair_plan::action::restart:
        if (n.handle)   // the node actor answers whether its launcher started
          self->request(n.handle, std::chrono::seconds(5), restart_atom_v)
            .then([](bool) {}, [](caf::error&) {});
        break;
      case repair_plan::action::admit:
        st.zones.hold(s.node, false);
        break;
      case repair_plan::action::none:
        break;
    }
  }
  st.last_map = st.zones.update(samples, ++st.version);
  for (auto& e : st.last_map.nodes)
    if (st.cordoned.count(e.node) || st.leaving.count(e.node))
      e.admitted = false;
  if (st.dispatcher)
    self->send(st.dispatcher, zones_atom_v, st.last_map, samples);
  for (auto& [id, n] : st.nodes)
    if (n.handle)
      self->send(n.handle, report_atom_v, st.last_map.max_head);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string figures(const pool_decision& d) {
  char buf[160];
  std::snprintf(buf, sizeof buf, " [nodes %u, headroom %.2f, with one fewer %.2f, mailboxes %.1f %%]",
                d.nodes, d.headroom, d.projected, d.fill * 100);
  return buf;
}

// One round of the elastic pool: its figures from this round's map, and the
// change it decides run off the scheduler (it blocks while a node starts or
// drains, and the drain asks this actor to answer meanwhile).
void steer_pool(supervisor_actor* self) {
  auto& st = self->state;
  pool_round r;
  r.at_ms = now_ms();
  r.r_max_load = st.cfg.feedback.r_max_load();
  r.fill = st.fill;
  for (auto& [id, n] : st.nodes) {
    pool_round::node p;
    p.id = id;
    p.changing = n.repair->joining() || st.leaving.count(id) > 0;
    for (auto& z : st.last_map.nodes)
      if (z.node == id) {
        p.load = z.load;
        p.serving = z.admitted && n.last.reachable;
      }
    p.removable = p.serving && !st.cordoned.count(id) && st.cfg.removable && st.cfg.removable(id);
    r.nodes.push_back(p);
  }
  auto d = st.pool.observe(r);
  if (!d)
    return;
  if (st.cfg.log)
    st.cfg.log("info", "elastic pool: " + d->action + (d->action == "shrink" ? " (node " + std::to_string(d->node) + ")" : "")
                         + ": " + d->reason + figures(*d));
  auto sup = caf::actor_cast<caf::actor>(self);
  auto grow = st.cfg.grow;
  auto shrink = st.cfg.shrink;
  self->spawn<caf::detached>([sup, grow, shrink, d = *d](caf::event_based_actor* worker) {
    pool_change c{false, "the platform gave the pool no way to " + d.action};
    try {
      if (d.action == "grow" && grow)
        c = grow();
      else if (d.action == "shrink" && shrink)
        c = shrink(d.node);
    } catch (const std::exception& e) {
      c = {false, e.what()};
    }
    worker->send(sup, scale_atom_v, c.ok, c.outcome);
  });
}

// Drops a drained node: no respawn (its entry goes first), no history.
void forget_node(supervisor_actor* self, std::uint32_t node) {
  auto& st = self->state;
  auto it = st.nodes.find(node);
  if (it == st.nodes.end())
    return;
  auto handle = it->second.handle;
  st.nodes.erase(it);
  st.zones.forget(node);
  st.cordoned.erase(node);
  st.leaving.erase(node);
  if (handle) {
    self->demonitor(handle);
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  }
}

std::string status_json(const supervisor_state& st) {
  using json = nlohmann::json;
  static const char* dims[] = {"cpu", "mem", "lag", "latency", "errors", "inflight"};
  json j;
  j["version"] = st.last_map.version;
  j["lbh"] = st.last_map.lbh;
  j["r_bar"] = st.last_map.r_bar;
  j["margin"] = st.last_map.margin;
  j["max_head"] = st.last_map.max_head;
  auto& pc = st.pool.config();
  j["pool"] = {{"enabled", pc.enabled}, {"min_nodes", pc.min_nodes}, {"max_nodes", pc.max_nodes},
               {"grow_below", pc.grow_below}, {"grow_fill", pc.grow_fill}, {"shrink_above", pc.shrink_above},
               {"shrink_fill", pc.shrink_fill},
               {"headroom", st.pool.headroom()}, {"projected", st.pool.projected()},
               {"fill", st.pool.fill()}, {"waiting_for", st.pool.waiting_for()},
               {"decisions", json::array()}};
  auto now = now_ms();
  for (auto& d : st.pool.decisions()) {
    json x{{"ago_s", (now - d.at_ms) / 1000.0}, {"action", d.action}, {"reason", d.reason},
           {"nodes", d.nodes}, {"headroom", d.headroom}, {"projected", d.projected},
           {"fill", d.fill}, {"outcome", d.outcome}};
    if (d.action == "shrink")
      x["node"] = d.node;
    if (d.finished_ms)
      x["took_s"] = (d.finished_ms - d.at_ms) / 1000.0;
    j["pool"]["decisions"].push_back(x);
  }
  j["nodes"] = json::array();
  for (auto& [id, n] : st.nodes) {
    json node{{"node", id}, {"name", n.last.name}, {"reachable", n.last.reachable},
              {"head", n.last.head}, {"repair", to_string(n.repair->phase())},
              {"restarts", n.repair->restarts()}, {"zone", to_string(st.zones.zone_of(id))},
              {"cordoned", st.cordoned.count(id) > 0}, {"leaving", st.leaving.count(id) > 0},
              {"joining", n.repair->joining()}};
    for (auto& z : st.last_map.nodes)
      if (z.node == id) {
        node["load"] = z.load;
        node["admitted"] = z.admitted;
      }
    for (std::size_t k = 0; k < dimension_count; ++k)
      node["state"][dims[k]] = n.last.s[k];
    node["raw"] = {{"cpu_cores", n.last.cpu_cores}, {"mem_bytes", n.last.mem_bytes},
                   {"latency_ms", n.last.latency_ms}, {"error_rate", n.last.error_rate},
                   {"inflight", n.last.inflight}, {"lag_blocks", n.last.lag_blocks}};
    j["nodes"].push_back(node);
  }
  return j.dump();
}

caf::behavior supervisor_behavior(supervisor_actor* self, supervisor_config cfg,
                                  caf::actor dispatcher) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.dispatcher = std::move(dispatcher);
  st.zones = zone_tracker(st.cfg.feedback);
  st.pool = elastic_pool(st.cfg.elastic);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto& [id, n] : st.nodes) {
      if (!n.handle || n.handle.address() != dm.source)
        continue;
      n.handle = nullptr;
      if (st.cfg.respawn) {
        auto fresh = st.cfg.respawn(id);
        if (fresh)
          self->send(self, attach_atom_v, id, fresh);
      }
      break;
    }
  });
  self->send(self, tick_atom_v);
  return {
    [self](report_atom, node_state& s) {
      // A removed node's last report may still be on its way.
      auto it = self->state.nodes.find(s.node);
      if (it == self->state.nodes.end())
        return;
      auto& n = it->second;
      if (!n.repair)
        n.repair = std::make_unique<repair_plan>(self->state.cfg);
      n.last = std::move(s);
      n.has_sample = true;
    },
    [self](attach_atom, std::uint32_t node, caf::actor handle) {
      auto& st = self->state;
      auto& n = st.nodes[node];
      if (!n.repair)
        n.repair = std::make_unique<repair_plan>(st.cfg);
      self->monitor(handle);
      n.handle = handle;
      self->send(handle, attach_atom_v, caf::actor_cast<caf::actor>(self));
      if (st.dispatcher)
        self->send(st.dispatcher, attach_atom_v, node, handle);
    },
    [self](join_atom, std::uint32_t node, caf::actor handle) {
      auto& st = self->state;
      auto& n = st.nodes[node];
      n.repair = std::make_unique<repair_plan>(st.cfg);
      n.repair->join();
      st.zones.hold(node, true);
      self->send(self, attach_atom_v, node, std::move(handle));
    },
    [self](cordon_atom, std::uint32_t node, bool on) {
      auto& st = self->state;
      if (!st.nodes.count(node))
        return false;
      if (on)
        st.cordoned.insert(node);
      else
        st.cordoned.erase(node);
      return true;
    },
    [self](leave_atom, std::uint32_t node) -> caf::result<bool> {
      auto& st = self->state;
      if (!st.nodes.count(node) || st.leaving.count(node))
        return false;
      if (!st.dispatcher) {
        forget_node(self, node);
        return true;
      }
      st.leaving.insert(node);
      auto rp = self->make_response_promise<bool>();
      // The dispatcher stops routing to it at once and answers when its
      // in-flight tasks have finished or moved to other nodes.
      self->request(st.dispatcher, caf::infinite, leave_atom_v, node)
        .then([self, node, rp](bool) mutable { forget_node(self, node); rp.deliver(true); },
              [self, node, rp](caf::error& e) mutable {
                self->state.leaving.erase(node);
                rp.deliver(std::move(e));
              });
      return rp;
    },
    [self](tick_atom) {
      publish(self);
      if (self->state.cfg.elastic.enabled && self->state.dispatcher) {
        self->request(self->state.dispatcher, self->state.cfg.probe_interval, backlog_atom_v)
          .then([self](double fill) { self->state.fill = fill; steer_pool(self); },
                [self](caf::error&) { steer_pool(self); });   // last known fill
      } else if (self->state.cfg.elastic.enabled) {
        steer_pool(self);
      }
      self->delayed_send(self, self->state.cfg.probe_interval, tick_atom_v);
    },
    [self](scale_atom, bool ok, std::string& outcome) {
      auto& st = self->state;
      st.pool.finished(ok, outcome, now_ms());
      if (st.cfg.log && !st.pool.decisions().empty()) {
        auto& d = st.pool.decisions().back();
        st.cfg.log(ok ? "info" : "warn", "elastic pool: " + d.action + " " + d.outcome + " after "
                                           + std::to_string((d.finished_ms - d.at_ms) / 1000) + " s");
      }
    },
    [self](status_atom) { return status_json(self->state); },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg,
                            caf::actor dispatcher) {
  return sys.spawn(supervisor_behavior, std::move(cfg), std::move(dispatcher));
}

} // namespace petrade
