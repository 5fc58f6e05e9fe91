#include "actors/supervisor.hpp"

#include "actors/repair_plan.hpp"
#include "actors/zone_tracker.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

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
      self->delayed_send(self, self->state.cfg.probe_interval, tick_atom_v);
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
