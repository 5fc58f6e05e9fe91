#include "gateway/metrics.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

namespace petrade::gateway {

namespace {

using json = nlohmann::json;
using labels = std::vector<std::pair<std::string, std::string>>;

// The supervisor's dimension keys, in the state vector's order (design §3).
constexpr const char* dimensions[] = {"cpu", "mem", "lag", "latency", "errors", "inflight"};
constexpr const char* zones[] = {"I", "II", "III"};

/// The document as an object, or null when it is absent or unreadable.
json parse_object(std::string_view text) {
  if (text.empty())
    return nullptr;
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  return !j.is_discarded() && j.is_object() ? j : json(nullptr);
}

/// Member `key` of `j`, or null; never inserts (operator[] on a const json
/// with a missing key is undefined behaviour).
const json* member(const json& j, const char* key) {
  if (!j.is_object())
    return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const json* member(const json& j, const char* key, const char* sub) {
  auto* m = member(j, key);
  return m ? member(*m, sub) : nullptr;
}

std::optional<double> number(const json* j) {
  if (!j)
    return std::nullopt;
  if (j->is_boolean())
    return j->get<bool>() ? 1.0 : 0.0;
  if (j->is_number())
    return j->get<double>();
  return std::nullopt;
}

std::string text(const json* j) {
  return j && j->is_string() ? j->get<std::string>() : std::string();
}

/// Sample values: integers as integers (counts stay readable), other values
/// in the shortest form that reads back to the same double.
std::string format_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r;
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
  else
    r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// HELP text escaping: backslash and line feed (quotes stay as they are).
std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

/// Writes families in order. A family's HELP and TYPE lines go out with its
/// first sample, so a family without data leaves no empty header behind;
/// all samples of a family must follow one another (the format requires it).
class exposition {
public:
  void family(std::string name, std::string_view type, std::string_view help) {
    name_ = std::move(name);
    header_ = "# HELP " + name_ + " " + escape_help(help) + "\n# TYPE " + name_ + " "
              + std::string(type) + "\n";
  }

  void sample(const labels& ls, double v, std::string_view suffix = {}) {
    out_ += header_;
    header_.clear();
    out_ += name_;
    out_ += suffix;
    if (!ls.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < ls.size(); ++i) {
        if (i)
          out_ += ',';
        out_ += ls[i].first + "=\"" + escape_label_value(ls[i].second) + "\"";
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += format_value(v);
    out_ += '\n';
  }

  void sample(const labels& ls, std::optional<double> v) {
    if (v)
      sample(ls, *v);
  }

  std::string take() { return std::move(out_); }

private:
  std::string out_;
  std::string name_;
  std::string header_;
};

/// Node ids (the dispatcher's keys) to names (the supervisor's "name"),
/// "node<id>" when the supervisor has none yet.
struct node_names {
  std::map<std::string, std::string> by_id;

  std::string operator()(const std::string& id) const {
    auto it = by_id.find(id);
    return it != by_id.end() && !it->second.empty() ? it->second : "node" + id;
  }
};

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Keys of an object, node ids in numeric order ("2" before "10"), others
/// alphabetical; none when `m` is not an object.
std::vector<std::string> keys_of(const json* m) {
  std::vector<std::string> keys;
  if (!m || !m->is_object())
    return keys;
  for (auto it = m->begin(); it != m->end(); ++it)
    keys.push_back(it.key());
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    // Numeric keys first, by (length, text) = by value; then the rest.
    auto rank = [](const std::string& k) {
      bool num = all_digits(k);
      return std::make_tuple(num ? 0 : 1, num ? k.size() : 0, std::string_view(k));
    };
    return rank(a) < rank(b);
  });
  return keys;
}

void render_cluster(exposition& out, const json& sup, const node_names& name) {
  auto cluster = [&](const char* metric, const char* key, const char* help) {
    out.family(metric, "gauge", help);
    out.sample({}, number(member(sup, key)));
  };
  cluster("petrade_lbh", "lbh", "Load-balance health LBH in [0, 1]; 0 = all nodes equally loaded");
  cluster("petrade_health_margin", "margin",
          "Health margin H = sum of (r_max - r_i) over reachable nodes; the dispatcher pauses at H <= 0");
  cluster("petrade_r_bar", "r_bar", "Mean node load r over reachable nodes; zone I is at or below it");
  cluster("petrade_max_head", "max_head", "Highest block number seen on any node");

  const json* nodes = member(sup, "nodes");
  if (!nodes || !nodes->is_array())
    return;
  auto label_of = [&](const json& n) {
    if (auto id = number(member(n, "node")))
      return name(format_value(*id));
    auto own = text(member(n, "name"));
    return own.empty() ? std::string("unknown") : own;
  };
  out.family("petrade_node_state", "gauge",
             "Normalised state vector s of the node (design section 3), each dimension in [0, 1]");
  for (const auto& n : *nodes)
    for (const char* d : dimensions)
      out.sample({{"node", label_of(n)}, {"dimension", d}}, number(member(n, "state", d)));
  out.family("petrade_node_zone", "gauge", "Zone of the node: 1 = I (writes), 2 = II (reads), 3 = III (recycle)");
  for (const auto& n : *nodes) {
    auto z = text(member(n, "zone"));
    for (int i = 0; i < 3; ++i)
      if (z == zones[i])
        out.sample({{"node", label_of(n)}}, double(i + 1));
  }
  out.family("petrade_node_in_zone", "gauge", "1 when the node is in the zone, else 0");
  for (const auto& n : *nodes) {
    auto z = text(member(n, "zone"));
    for (const char* zone : zones)
      out.sample({{"node", label_of(n)}, {"zone", zone}}, z == zone ? 1.0 : 0.0);
  }
  struct per_node {
    const char* metric;
    const char* type;
    const char* key;
    const char* sub;   // under "raw", or null
    double scale;
    const char* help;
  };
  static const per_node table[] = {
    {"petrade_node_reachable", "gauge", "reachable", nullptr, 1, "1 when the node's last probe got an answer"},
    {"petrade_node_admitted", "gauge", "admitted", nullptr, 1, "1 when the dispatcher may route tasks to the node"},
    {"petrade_node_head", "gauge", "head", nullptr, 1, "Latest block number seen on the node"},
    {"petrade_node_load", "gauge", "load", nullptr, 1, "Node load r_i = |p_i| in the weighted state space"},
    {"petrade_node_lag_blocks", "gauge", "raw", "lag_blocks", 1, "Blocks the node is behind the highest head seen"},
    {"petrade_node_cpu_cores", "gauge", "raw", "cpu_cores", 1, "CPU cores the node uses"},
    {"petrade_node_memory_bytes", "gauge", "raw", "mem_bytes", 1, "Memory the node uses"},
    {"petrade_node_rpc_latency_ewma_seconds", "gauge", "raw", "latency_ms", 0.001,
     "Moving average of the node's RPC round trip"},
    {"petrade_node_error_rate", "gauge", "raw", "error_rate", 1, "Moving average of failed calls, 0..1"},
    {"petrade_node_open_calls", "gauge", "raw", "inflight", 1, "RPC calls open on the node, probes included"},
    {"petrade_node_restarts_total", "counter", "restarts", nullptr, 1, "Restarts of the node by the supervisor"},
  };
  for (auto& f : table) {
    out.family(f.metric, f.type, f.help);
    for (const auto& n : *nodes) {
      auto v = number(f.sub ? member(n, f.key, f.sub) : member(n, f.key));
      if (v)
        out.sample({{"node", label_of(n)}}, *v * f.scale);
    }
  }
  out.family("petrade_node_repair_info", "gauge", "Where the node is in its repair (the phase label); always 1");
  for (const auto& n : *nodes)
    if (auto phase = text(member(n, "repair")); !phase.empty())
      out.sample({{"node", label_of(n)}, {"phase", phase}}, 1.0);
}

void render_histograms(exposition& out, const json* latency, const node_names& name) {
  out.family("petrade_node_latency_seconds", "histogram",
             "Duration of task attempts on the node, from sending to its answer or failure");
  for (auto& id : keys_of(latency)) {
    const json& h = latency->at(id);
    const json* bounds = member(h, "buckets");
    const json* counts = member(h, "counts");
    auto count = number(member(h, "count"));
    auto sum = number(member(h, "sum"));
    if (!bounds || !counts || !bounds->is_array() || !counts->is_array()
        || bounds->size() != counts->size() || !count || !sum)
      continue;   // not a histogram this renderer understands: leave it out
    labels ls{{"node", name(id)}, {"le", ""}};
    for (std::size_t i = 0; i < bounds->size(); ++i) {
      auto le = number(&(*bounds)[i]);
      auto c = number(&(*counts)[i]);
      if (!le || !c)
        continue;
      ls[1].second = format_value(*le);
      out.sample(ls, *c, "_bucket");
    }
    ls[1].second = "+Inf";
    out.sample(ls, *count, "_bucket");
    out.sample({{"node", name(id)}}, *sum, "_sum");
    out.sample({{"node", name(id)}}, *count, "_count");
  }
}

void render_dispatcher(exposition& out, const json& disp, const node_names& name) {
  const json* inflight = member(disp, "inflight");
  out.family("petrade_node_inflight", "gauge", "Tasks the dispatcher has in flight on the node");
  for (auto& id : keys_of(inflight))
    out.sample({{"node", name(id)}}, number(&inflight->at(id)));
  render_histograms(out, member(disp, "latency"), name);

  const json* boxes = member(disp, "mailboxes");
  out.family("petrade_mailbox_depth", "gauge", "Tasks waiting in the dispatcher's mailbox of this kind");
  for (auto& kind : keys_of(boxes))
    out.sample({{"kind", kind}}, number(member(boxes->at(kind), "depth")));
  out.family("petrade_mailbox_capacity", "gauge", "Bound of the mailbox; a full one answers busy");
  for (auto& kind : keys_of(boxes))
    out.sample({{"kind", kind}}, number(member(boxes->at(kind), "capacity")));

  const json* tasks = member(disp, "tasks");
  out.family("petrade_tasks_total", "counter", "Tasks the dispatcher answered, by kind and outcome");
  for (auto& kind : keys_of(tasks)) {
    const json& by_outcome = tasks->at(kind);
    for (auto& outcome : keys_of(&by_outcome))
      out.sample({{"kind", kind}, {"outcome", outcome}}, number(&by_outcome.at(outcome)));
  }

  out.family("petrade_dispatcher_paused", "gauge", "1 while nothing leaves the mailboxes (no zone map, or H <= 0)");
  out.sample({}, number(member(disp, "paused")));
  out.family("petrade_dispatcher_waiting", "gauge", "Tasks accepted by the dispatcher and not yet answered");
  out.sample({}, number(member(disp, "waiting")));
  // The counters map only holds names that happened; absent means none yet.
  out.family("petrade_dispatcher_retries_total", "counter", "Task attempts moved to another node after a failure");
  out.sample({}, number(member(disp, "counters", "retried")).value_or(0));
}

void render_tx_manager(exposition& out, const json& tx) {
  out.family("petrade_tx_pending", "gauge", "Write tasks not yet mined or failed (accepted, sent or replaced)");
  out.sample({}, number(member(tx, "pending")));
  const json* by_state = member(tx, "by_state");
  out.family("petrade_tx_by_state", "gauge",
             "Write tasks by state: open states now, confirmed and failed since the manager started");
  for (auto& state : keys_of(by_state))
    out.sample({{"state", state}}, number(&by_state->at(state)));
  auto counter = [&](const char* metric, const char* key, const char* help) {
    out.family(metric, "counter", help);
    out.sample({}, number(member(tx, key)));
  };
  counter("petrade_tx_replaced_total", "replaced", "Replacement transactions signed (same nonce, higher fees)");
  counter("petrade_tx_rebroadcast_total", "rebroadcast", "Stuck transactions sent again unchanged");
  counter("petrade_tx_mined_total", "mined", "Write tasks that moved into mined");
  counter("petrade_tx_confirmed_total", "confirmed", "Write tasks confirmed");
  counter("petrade_tx_failed_total", "failed", "Write tasks failed");
  out.family("petrade_tx_confirmations", "gauge", "Blocks a transaction must be deep to be confirmed");
  out.sample({}, number(member(tx, "confirmations")));
}

} // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string render_metrics(std::string_view supervisor, std::string_view dispatcher,
                           std::string_view tx_manager, std::string_view worker) {
  auto sup = parse_object(supervisor);
  auto disp = parse_object(dispatcher);
  bool has_tx = !tx_manager.empty() && tx_manager != "null";
  auto tx = has_tx ? parse_object(tx_manager) : json(nullptr);

  node_names names;
  if (const json* nodes = member(sup, "nodes"); nodes && nodes->is_array())
    for (const auto& n : *nodes)
      if (auto id = number(member(n, "node")))
        names.by_id[format_value(*id)] = text(member(n, "name"));

  exposition out;
  out.family("petrade_status_up", "gauge", "1 when the component's status could be read for this scrape");
  out.sample({{"source", "supervisor"}}, sup.is_object() ? 1.0 : 0.0);
  out.sample({{"source", "dispatcher"}}, disp.is_object() ? 1.0 : 0.0);
  if (has_tx)
    out.sample({{"source", "tx_manager"}}, tx.is_object() ? 1.0 : 0.0);
  if (sup.is_object())
    render_cluster(out, sup, names);
  if (disp.is_object())
    render_dispatcher(out, disp, names);
  if (tx.is_object())
    render_tx_manager(out, tx);
  if (worker == "attached" || worker == "connecting") {
    out.family("petrade_worker_attached", "gauge",
               "1 while the business worker process is connected, 0 while the platform is reconnecting");
    out.sample({}, worker == "attached" ? 1.0 : 0.0);
  }
  return out.take();
}

} // namespace petrade::gateway
