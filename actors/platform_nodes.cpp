// Nodes added, removed and cordoned while the platform runs (issue 10), and
// the cluster file that keeps those changes across restarts.
#include "actors/platform_impl.hpp"

#include "devnet/process.hpp"
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/messages.hpp"
#include "protocol/node_ops.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

namespace petrade {

namespace {

using json = nlohmann::json;

std::string refusal(int status, const std::string& message) {
  return json{{"error", message}, {"status", status}}.dump();
}

/// Thrown inside an operation: the answer's status and message.
struct node_refusal : std::runtime_error {
  node_refusal(int s, const std::string& m) : std::runtime_error(m), status(s) {}
  int status;
};

std::string node_names(const std::map<std::uint32_t, platform_node>& nodes) {
  std::string out;
  for (auto& [id, n] : nodes)
    out += (out.empty() ? "" : ", ") + n.cfg.name;
  return out;
}

external_node parse_external(const json& spec) {
  external_node e;
  auto url = spec.find("url");
  if (url == spec.end() || !url->is_string())
    throw node_refusal(400, "a node spec needs \"url\" (an http:// or https:// JSON-RPC endpoint) or \"devnet\": true");
  e.url = url->get<std::string>();
  static const std::regex http{R"(^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[^\s]*)?$)"};
  if (!std::regex_match(e.url, http))
    throw node_refusal(400, "\"url\" must be an http:// or https:// endpoint, not " + json(e.url).dump());
  if (auto s = spec.find("submit_url"); s != spec.end()) {
    if (!s->is_string() || !std::regex_match(s->get<std::string>(), http))
      throw node_refusal(400, "\"submit_url\" must be an http:// or https:// endpoint, not " + s->dump());
    e.submit_url = s->get<std::string>();
  }
  if (auto n = spec.find("name"); n != spec.end()) {
    static const std::regex name{R"(^[A-Za-z0-9_.\-]{1,40}$)"};
    if (!n->is_string() || !std::regex_match(n->get<std::string>(), name))
      throw node_refusal(400, "\"name\" must be 1-40 letters, digits, '.', '_' or '-', not " + n->dump());
    e.name = n->get<std::string>();
  }
  return e;
}

} // namespace

caf::result<std::string> off_scheduler(caf::event_based_actor* self, std::function<std::string()> op) {
  auto rp = self->make_response_promise<std::string>();
  self->spawn<caf::detached>([rp, op](caf::event_based_actor*) mutable { rp.deliver(op()); });
  return rp;
}

external_node platform::impl::devnet_node(const devnet::node_info& n) const {
  external_node e;
  e.name = "node" + std::to_string(n.index);
  e.url = n.url;
  e.submit_url = n.submit_url;
  if (!n.cgroup.empty()) {
    e.probe.kind = probe_kind::cgroup;
    e.probe.cgroup_dir = n.cgroup;
    if (cfg.devnet->cpu_quota > 0)
      e.probe.cpu_cores = cfg.devnet->cpu_quota;
  } else {
    e.probe.kind = probe_kind::proc;
    // A restarted node has a new pid: ask the launcher each time.
    e.probe.pid_source = [net = net.get(), index = n.index] {
      for (auto& i : net->nodes())
        if (i.index == index)
          return static_cast<int>(i.pid);
      return -1;
    };
  }
  return e;
}

node_actor_config platform::impl::node_config(std::uint32_t id, const external_node& e, int devnet_index) {
  node_actor_config c;
  c.index = id;
  c.name = e.name.empty() ? "node" + std::to_string(id) : e.name;
  c.url = e.url;
  c.submit_url = e.submit_url;
  c.inflight_cap = cfg.inflight_cap;
  c.probe = e.probe;
  c.probe_interval = cfg.supervisor.probe_interval;
  c.probe_timeout = cfg.supervisor.probe_timeout;
  c.lag_cap = std::max<std::uint64_t>(cfg.supervisor.feedback.lag_max * 2, 1);
  c.io = io;
  if (net && devnet_index >= 0) {
    c.restart = [this, n = net.get(), devnet_index] {
      emit("warn", "supervisor", "restarting node " + std::to_string(devnet_index));
      try {
        n->restart_node(devnet_index);
      } catch (const std::exception& e) {   // removed meanwhile
        emit("warn", "supervisor", e.what());
      }
    };
  } else if (!e.restart_command.empty()) {
    c.restart = [this, argv = e.restart_command, name = c.name] {
      emit("warn", "supervisor", "restarting node " + name + " with " + argv[0]);
      try {
        devnet::run_capture(argv);
      } catch (const std::exception& e) {
        emit("error", "supervisor", "restarting node " + name + " failed: " + e.what());
      }
    };
  }
  return c;
}

void platform::impl::load_layout() {
  if (cfg.cluster_file.empty() || !std::filesystem::exists(cfg.cluster_file))
    return;
  json j;
  try {
    std::ifstream in(cfg.cluster_file);
    j = json::parse(in);
    if (cfg.devnet && j.contains("devnet_nodes"))
      cfg.devnet->nodes = j.at("devnet_nodes").get<int>();
    std::vector<external_node> external;
    for (auto& x : j.value("external", json::array())) {
      auto e = parse_external(x);
      for (auto& configured : cfg.external)   // keeps its probe and restart command
        if (configured.name == e.name && configured.url == e.url)
          e = configured;
      external.push_back(e);
    }
    if (!cfg.devnet)
      cfg.external = external;
    for (auto& name : j.value("cordoned", json::array()))
      cordoned.insert(name.get<std::string>());
    for (auto& name : j.value("pool_made", json::array()))
      pool_made.push_back(name.get<std::string>());
  } catch (const std::exception& e) {
    throw std::runtime_error("cluster file " + cfg.cluster_file + " is unreadable (" + e.what()
                             + "); fix or delete it");
  }
  emit("info", "platform", "nodes as last changed at runtime, from " + cfg.cluster_file
                             + " (delete it to start from the config alone)");
}

void platform::impl::save_layout() {
  if (cfg.cluster_file.empty())
    return;
  json j{{"external", json::array()}, {"cordoned", json::array()}};
  {
    std::lock_guard<std::mutex> lock(nodes_mutex);
    int devnet_nodes = 0;
    for (auto& [id, n] : nodes) {
      if (n.devnet_index >= 0) {
        ++devnet_nodes;
        continue;
      }
      json e{{"name", n.cfg.name}, {"url", n.cfg.url}};
      if (!n.cfg.submit_url.empty())
        e["submit_url"] = n.cfg.submit_url;
      j["external"].push_back(e);
    }
    if (net)
      j["devnet_nodes"] = devnet_nodes;
    for (auto& name : cordoned)
      j["cordoned"].push_back(name);
    if (!pool_made.empty())
      j["pool_made"] = pool_made;
  }
  auto tmp = cfg.cluster_file + ".tmp";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(cfg.cluster_file).parent_path(), ec);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) {
      emit("error", "platform", "cannot write " + tmp + "; the node change holds until a restart");
      return;
    }
  }
  std::filesystem::rename(tmp, cfg.cluster_file, ec);
  if (ec)
    emit("error", "platform", "cannot replace " + cfg.cluster_file + ": " + ec.message());
}

namespace {

// The node `ref` names (its id or its name), or 404.
std::pair<std::uint32_t, platform_node> find_node(platform::impl& m, const std::string& ref) {
  std::lock_guard<std::mutex> lock(m.nodes_mutex);
  for (auto& [id, n] : m.nodes)
    if (n.cfg.name == ref || std::to_string(id) == ref)
      return {id, n};
  throw node_refusal(404, "no node " + json(ref).dump() + " (the nodes: " + node_names(m.nodes) + ")");
}

template <class F>
std::string answer(F f) {
  try {
    return f();
  } catch (const node_refusal& r) {
    return refusal(r.status, r.what());
  } catch (const std::exception& e) {
    return refusal(500, e.what());
  }
}

} // namespace

std::string platform::add_node(const std::string& spec_text) {
  auto& m = *impl_;
  return answer([&] {
    std::lock_guard<std::mutex> one_at_a_time(m.operations);
    if (!m.started)
      throw node_refusal(409, "the platform is not running");
    json spec = json::parse(spec_text, nullptr, false);
    if (!spec.is_object())
      throw node_refusal(400, "a node spec is a JSON object: {\"devnet\": true} or {\"url\": ...}");
    external_node e;
    int devnet_index = -1;
    if (spec.value("devnet", false)) {
      if (!m.net)
        throw node_refusal(409, "this platform serves external nodes: add one by its \"url\"");
      auto info = m.net->add_follower();
      devnet_index = info.index;
      e = m.devnet_node(info);
    } else {
      e = parse_external(spec);
      std::uint64_t want = m.cfg.dispatcher.chain_id ? m.cfg.dispatcher.chain_id
                                                     : (m.cfg.devnet ? m.cfg.devnet->chain_id : 0);
      jsonrpc::client_options opts;
      opts.default_timeout = std::chrono::seconds(5);
      std::uint64_t got = 0;
      try {
        got = static_cast<std::uint64_t>(eth::from_quantity(
          jsonrpc::client::create(*m.io, e.url, opts)->call_sync("eth_chainId").get<std::string>()));
      } catch (const std::exception& x) {
        throw node_refusal(400, "the node at " + e.url + " does not answer eth_chainId (" + x.what() + ")");
      }
      if (want && got != want)
        throw node_refusal(400, "the node at " + e.url + " is on chain " + std::to_string(got)
                             + ", the cluster on chain " + std::to_string(want));
    }
    std::uint32_t id;
    platform_node n;
    {
      std::lock_guard<std::mutex> lock(m.nodes_mutex);
      id = m.nodes.empty() ? 0 : m.nodes.rbegin()->first + 1;
      if (devnet_index >= 0)
        e.name = "node" + std::to_string(id);
      for (auto& [other, x] : m.nodes) {
        if (!e.name.empty() && x.cfg.name == e.name)
          throw node_refusal(409, "a node is already named " + json(e.name).dump());
        if (x.cfg.url == e.url)
          throw node_refusal(409, "node " + x.cfg.name + " already serves " + e.url);
      }
      n = platform_node{m.node_config(id, e, devnet_index), nullptr, devnet_index, e};
      n.actor = spawn_node_actor(*m.sys, n.cfg);
      m.nodes[id] = n;
    }
    caf::anon_send(m.supervisor, join_atom_v, id, n.actor);
    m.save_layout();
    m.emit("info", "platform", "node " + n.cfg.name + " (" + n.cfg.url + ") added; it takes work once it has caught up");
    return json{{"node", id}, {"name", n.cfg.name}, {"url", n.cfg.url}, {"joining", true}}.dump();
  });
}

std::string platform::remove_node(const std::string& ref) {
  auto& m = *impl_;
  return answer([&] {
    std::lock_guard<std::mutex> one_at_a_time(m.operations);
    auto [id, n] = find_node(m, ref);
    {
      std::lock_guard<std::mutex> lock(m.nodes_mutex);
      if (m.nodes.size() == 1)
        throw node_refusal(409, n.cfg.name + " is the last node: the platform needs one to serve");
    }
    if (n.devnet_index == 0)
      throw node_refusal(409, n.cfg.name + " is the devnet's sealer, the only node that mines: it cannot be removed");
    caf::scoped_actor self{*m.sys};
    bool drained = false;
    std::string failure;
    // Tasks in flight end within the dispatcher's node timeout, or move on.
    self->request(m.supervisor, std::chrono::minutes(5), leave_atom_v, id)
      .receive([&](bool ok) { drained = ok; }, [&](caf::error& e) { failure = m.sys->render(e); });
    if (!failure.empty())
      throw std::runtime_error("draining " + n.cfg.name + " failed: " + failure);
    if (!drained)
      throw node_refusal(409, n.cfg.name + " is already being removed");
    if (n.devnet_index >= 0)
      m.net->remove_node(n.devnet_index);
    {
      std::lock_guard<std::mutex> lock(m.nodes_mutex);
      m.nodes.erase(id);
      m.cordoned.erase(n.cfg.name);
    }
    m.save_layout();
    m.emit("info", "platform", "node " + n.cfg.name + " drained and removed");
    return json{{"node", id}, {"name", n.cfg.name}, {"removed", true}}.dump();
  });
}

std::string platform::cordon_node(const std::string& ref, bool on) {
  auto& m = *impl_;
  return answer([&] {
    std::lock_guard<std::mutex> one_at_a_time(m.operations);
    auto [id, n] = find_node(m, ref);
    caf::scoped_actor self{*m.sys};
    bool known = false;
    self->request(m.supervisor, std::chrono::seconds(10), cordon_atom_v, id, on)
      .receive([&](bool ok) { known = ok; }, [&](caf::error&) {});
    if (!known)
      throw node_refusal(409, "the supervisor does not watch " + n.cfg.name + " (yet)");
    {
      std::lock_guard<std::mutex> lock(m.nodes_mutex);
      if (on)
        m.cordoned.insert(n.cfg.name);
      else
        m.cordoned.erase(n.cfg.name);
    }
    m.save_layout();
    m.emit("info", "platform", "node " + n.cfg.name + (on ? " cordoned: no new tasks" : " uncordoned"));
    return json{{"node", id}, {"name", n.cfg.name}, {"cordoned", on}}.dump();
  });
}

} // namespace petrade
