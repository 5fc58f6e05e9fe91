#include "actors/platform_config.hpp"

#include "actors/business_config.hpp"

#include "actors/strategy.hpp"
#include "protocol/config_section.hpp"

#include <algorithm>

namespace petrade {

namespace {

using ms = std::chrono::milliseconds;

void read_feedback(config_section& s, feedback_config& f) {
  if (auto w = s.section("weights")) {
    for (std::size_t k = 0; k < dimension_count; ++k)
      if (auto v = w->number(to_string(static_cast<dimension>(k)), 0, 1))
        f.weights[k] = *v;
    w->finish();
  }
  if (auto v = s.number("r_max", 0, 1))
    f.r_max = *v;
  if (auto v = s.integer("lag_max", 0, 1'000'000))
    f.lag_max = static_cast<std::uint64_t>(*v);
  if (auto v = s.number("err_max", 0, 1))
    f.err_max = *v;
  if (auto v = s.number("hysteresis", 0, 0.99))
    f.hysteresis = *v;
  if (auto v = s.integer("confirm_samples", 1, 1000))
    f.confirm_samples = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("exit_iii_samples", 1, 1000))
    f.exit_iii_samples = static_cast<std::uint32_t>(*v);
  s.finish();
}

void read_dispatcher(config_section& s, dispatcher_config& d) {
  if (auto v = s.text("strategy")) {
    auto names = strategy_names();
    if (std::find(names.begin(), names.end(), *v) == names.end()) {
      std::string known;
      for (auto& n : names)
        known += (known.empty() ? "" : ", ") + n;
      s.refuse("strategy", *v, "one of " + known);
    }
    d.strategy = *v;
  }
  if (auto c = s.section("capacity")) {
    for (std::size_t k = 0; k < task_kind_count; ++k)
      if (auto v = c->integer(to_string(static_cast<task_kind>(k)), 1, 1'000'000))
        d.queues.capacity[k] = static_cast<std::size_t>(*v);
    c->finish();
  }
  if (auto v = s.integer("age_limit", 1, 1'000'000))
    d.queues.age_limit = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("inflight_cap", 1, 100'000))
    d.inflight_cap = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("max_attempts", 1, 100))
    d.max_attempts = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("node_timeout_ms", 10, 600'000))
    d.node_timeout = ms(*v);
  if (auto v = s.integer("queue_timeout_ms", 10, 3'600'000))
    d.queue_timeout = ms(*v);
  s.finish();
}

void read_supervisor(config_section& s, supervisor_config& c) {
  if (auto v = s.integer("probe_interval_ms", 50, 60'000))
    c.probe_interval = ms(*v);
  if (auto v = s.integer("probe_timeout_ms", 1, 60'000))
    c.probe_timeout = ms(*v);
  if (auto v = s.integer("repair_after", 1, 100'000))
    c.repair_after = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("stuck_after", 1, 1'000'000))
    c.stuck_after = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("warm_samples", 1, 100'000))
    c.warm_samples = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("backoff_samples", 1, 100'000))
    c.backoff_samples = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("backoff_max_samples", 1, 1'000'000))
    c.backoff_max_samples = static_cast<std::uint32_t>(*v);
  s.finish();
}

std::vector<std::string> read_argv(config_section& s, const std::string& key) {
  auto& argv = s.raw(key);
  bool ok = argv.is_array() && !argv.empty();
  for (auto& a : argv)
    ok = ok && a.is_string() && !a.get<std::string>().empty();
  if (!ok)
    s.refuse(key, argv, "a non-empty array of non-empty strings (a program and its arguments, no shell)");
  return argv.get<std::vector<std::string>>();
}

void read_elastic(config_section& s, elastic_config& e) {
  if (auto v = s.boolean("enabled"))
    e.enabled = *v;
  if (auto v = s.integer("min_nodes", 1, 64))
    e.min_nodes = static_cast<std::uint32_t>(*v);
  if (auto v = s.integer("max_nodes", 1, 64))
    e.max_nodes = static_cast<std::uint32_t>(*v);
  if (auto v = s.number("grow_below", 0, 1))
    e.grow_below = *v;
  if (auto v = s.number("grow_fill", 0, 1))
    e.grow_fill = *v;
  if (auto v = s.number("shrink_above", 0, 1))
    e.shrink_above = *v;
  if (auto v = s.number("shrink_fill", 0, 1))
    e.shrink_fill = *v;
  if (auto v = s.integer("grow_window_ms", 0, 3'600'000))
    e.grow_window = ms(*v);
  if (auto v = s.integer("shrink_window_ms", 0, 3'600'000))
    e.shrink_window = ms(*v);
  if (auto v = s.integer("cooldown_ms", 0, 3'600'000))
    e.cooldown = ms(*v);
  if (s.has("grow_command"))
    e.grow_command = read_argv(s, "grow_command");
  if (s.has("shrink_command"))
    e.shrink_command = read_argv(s, "shrink_command");
  s.finish();
}

external_node read_node(config_section& s, std::size_t index) {
  external_node n;
  n.name = s.text("name").value_or("node" + std::to_string(index));
  auto url = s.text("url");
  if (!url)
    s.refuse("url", nullptr, "the node's JSON-RPC URL (required)");
  n.url = *url;
  n.submit_url = s.text("submit_url").value_or("");
  if (auto p = s.text("probe")) {
    if (*p != "none" && *p != "geth_metrics")
      s.refuse("probe", *p, "\"none\" or \"geth_metrics\" (remote nodes have no local process)");
    n.probe.kind = parse_probe_kind(*p);
  }
  if (auto m = s.text("metrics_url"))
    n.probe.metrics_url = *m;
  if (n.probe.kind == probe_kind::geth_metrics && n.probe.metrics_url.empty())
    s.refuse("metrics_url", nullptr, "the geth metrics URL when probe is geth_metrics");
  if (auto v = s.number("cpu_cores", 0, 1024))
    n.probe.cpu_cores = *v;
  if (s.has("restart_command"))
    n.restart_command = read_argv(s, "restart_command");
  s.finish();
  return n;
}

} // namespace

void settle(platform_config& cfg, const std::string& origin) {
  try {
    cfg.supervisor.feedback.validate();
  } catch (const std::invalid_argument& e) {
    throw config_error(origin + ": feedback: " + e.what());
  }
  cfg.dispatcher.feedback = cfg.supervisor.feedback;
  try {
    cfg.supervisor.elastic.validate();
  } catch (const std::invalid_argument& e) {
    throw config_error(origin + ": " + e.what());
  }
  if (cfg.devnet) {
    devnet::validate(*cfg.devnet, origin);
    cfg.dispatcher.chain_id = cfg.devnet->chain_id;
  }
}

platform_config load_platform_config(const std::string& path, worker_settings* worker,
                                     const std::vector<std::string>& other_sections) {
  auto doc = config_section::read_file(path);
  config_section top(doc, path, "");
  platform_config cfg;
  cfg.control_port = 7545;
  if (auto d = top.section("devnet"))
    cfg.devnet = devnet::parse_devnet_config(*d, path);
  if (top.has("nodes")) {
    auto& nodes = top.raw("nodes");
    if (!nodes.is_array() || nodes.empty())
      top.refuse("nodes", nodes, "a non-empty array of {\"url\": ...} objects");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      config_section s(nodes[i], path, "nodes[" + std::to_string(i) + "]");
      cfg.external.push_back(read_node(s, i));
    }
    if (cfg.devnet)
      top.refuse("nodes", nodes, "either \"devnet\" or \"nodes\", not both");
  } else if (!cfg.devnet) {
    cfg.devnet = devnet::devnet_config{};
  }
  if (auto f = top.section("feedback"))
    read_feedback(*f, cfg.supervisor.feedback);
  if (auto d = top.section("dispatcher"))
    read_dispatcher(*d, cfg.dispatcher);
  if (auto s = top.section("supervisor"))
    read_supervisor(*s, cfg.supervisor);
  if (auto s = top.section("elastic"))
    read_elastic(*s, cfg.supervisor.elastic);
  if (auto s = top.section("transactions")) {
    if (auto v = s->text("journal"))
      cfg.db_path = *v;
    if (auto v = s->integer("confirmations", 1, 1000))
      cfg.confirmations = static_cast<std::uint32_t>(*v);
    if (auto v = s->integer("stuck_timeout_ms", 100, 3'600'000))
      cfg.stuck_timeout = ms(*v);
    if (auto v = s->integer("node_call_timeout_ms", 100, 3'600'000))
      cfg.node_call_timeout = ms(*v);
    s->finish();
  }
  if (auto b = top.section("business")) {
    worker_settings w;
    read_business(*b, cfg, w);
    // A worker reads this file too and has no nodes of its own to name.
    if (cfg.devnet)
      for (int i = 0; i < cfg.devnet->nodes; ++i)
        cfg.business->node_names.push_back("node" + std::to_string(i));
    for (auto& n : cfg.external)
      cfg.business->node_names.push_back(n.name);
    if (worker)
      *worker = w;
    if (cfg.db_path.empty())
      cfg.db_path = "run/journal";
  }
  if (auto c = top.section("control")) {
    if (auto v = c->integer("port", 0, 65535))
      cfg.control_port = static_cast<unsigned short>(*v);
    if (auto v = c->text("cluster_file"))
      cfg.cluster_file = *v;
    c->finish();
  }
  for (auto& other : other_sections)   // read by their own layers
    if (top.has(other))
      top.raw(other);
  top.finish();
  settle(cfg, path);
  return cfg;
}

} // namespace petrade
