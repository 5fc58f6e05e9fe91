// /metrics text: the required families, well-formed exposition lines,
// cumulative histograms ending in +Inf = _count, label escaping, missing
// documents, and the real dispatcher's status rendered end to end.
#include "gateway/metrics.hpp"
#include "tests/support/deterministic_config.hpp"

#include "actors/dispatcher.hpp"
#include "protocol/messages.hpp"

#include <caf/all.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace {

using namespace petrade;
using gateway::render_metrics;
using json = nlohmann::json;

// The shapes the supervisor's and dispatcher's (status_atom) answer with.
json supervisor_doc() {
  auto node = [](int id, const char* name, const char* zone, bool reachable) {
    return json{{"node", id}, {"name", name}, {"reachable", reachable}, {"head", 42},
                {"repair", "healthy"}, {"restarts", 2}, {"zone", zone}, {"load", 0.25},
                {"admitted", reachable},
                {"state", {{"cpu", 0.5}, {"mem", 0.25}, {"lag", 0}, {"latency", 0.1},
                           {"errors", 0}, {"inflight", 0.125}}},
                {"raw", {{"cpu_cores", 1.5}, {"mem_bytes", 1048576}, {"latency_ms", 12.5},
                         {"error_rate", 0.01}, {"inflight", 3}, {"lag_blocks", 0}}}};
  };
  return {{"version", 7}, {"lbh", 0.125}, {"r_bar", 0.3}, {"margin", 1.75}, {"max_head", 42},
          {"nodes", {node(0, "node1", "I", true), node(1, "node2", "III", false)}}};
}

json dispatcher_doc() {
  json j{{"strategy", "state_feedback"}, {"paused", false}, {"waiting", 3},
         {"inflight", {{"0", 2}, {"1", 0}}}, {"counters", {{"retried", 4}, {"ok", 9}}}};
  for (auto kind : {"read", "deploy", "account", "contract"}) {
    j["mailboxes"][kind] = {{"depth", 1}, {"capacity", 1024}};
    for (auto outcome : {"ok", "rpc_error", "unreachable", "busy", "invalid"})
      j["tasks"][kind][outcome] = 0;
  }
  j["tasks"]["read"]["ok"] = 9;
  json bounds = json::array({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  j["latency"]["0"] = {{"buckets", bounds},
                       {"counts", {0, 1, 3, 5, 6, 6, 6, 6, 6, 6, 7, 7, 7}},
                       {"sum", 2.75},
                       {"count", 8}};
  j["latency"]["1"] = {{"buckets", bounds}, {"counts", std::vector<int>(13, 0)}, {"sum", 0}, {"count", 0}};
  return j;
}

json tx_doc() {
  return {{"pending", 2},
          {"by_state", {{"accepted", 1}, {"sent", 1}, {"replaced", 0}, {"mined", 0},
                        {"confirmed", 5}, {"failed", 1}}},
          {"replaced", 1}, {"rebroadcast", 2}, {"confirmations", 2}, {"mined", 6},
          {"confirmed", 5}, {"failed", 1}};
}

struct sample {
  std::string name;
  std::map<std::string, std::string> labels;   // values as written (escaped)
  std::string value;
};

// Parses the exposition, failing the test on any malformed line, a sample
// outside its family, or a family announced twice.
struct parsed {
  std::map<std::string, std::string> types;
  std::vector<sample> samples;

  std::vector<sample> of(const std::string& name) const {
    std::vector<sample> out;
    for (auto& s : samples)
      if (s.name == name)
        out.push_back(s);
    return out;
  }
};

parsed parse(const std::string& text) {
  static const std::regex line_re(
    R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (NaN|[+-]Inf|[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$)");
  static const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$))re");
  static const std::regex meta_re(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$)");
  parsed p;
  std::string family;
  std::set<std::string> done;
  std::istringstream in(text);
  std::string line;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the exposition must end with a line feed";
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("#", 0) == 0) {
      EXPECT_TRUE(std::regex_match(line, m, meta_re)) << line;
      if (m[1] == "TYPE") {
        EXPECT_TRUE(done.insert(m[2]).second) << "family announced twice: " << line;
        family = m[2];
        p.types[family] = m[3];
      }
      continue;
    }
    if (!std::regex_match(line, m, line_re)) {
      ADD_FAILURE() << "malformed sample line: " << line;
      continue;
    }
    sample s{m[1], {}, m[4]};
    std::string rest = m[3];
    for (std::sregex_iterator it(rest.begin(), rest.end(), label_re), end; it != end; ++it)
      s.labels[(*it)[1]] = (*it)[2];
    std::string rebuilt;
    for (std::sregex_iterator it(rest.begin(), rest.end(), label_re), end; it != end; ++it)
      rebuilt += it->str();
    EXPECT_EQ(rebuilt, rest) << "labels not well formed: " << line;
    auto type = p.types[family];
    bool belongs = s.name == family
                   || (type == "histogram"
                       && (s.name == family + "_bucket" || s.name == family + "_sum"
                           || s.name == family + "_count"));
    EXPECT_TRUE(belongs) << s.name << " outside its family " << family;
    p.samples.push_back(std::move(s));
  }
  return p;
}

TEST(Metrics, EveryRequiredFamilyIsThereWithItsType) {
  auto p = parse(render_metrics(supervisor_doc().dump(), dispatcher_doc().dump(), tx_doc().dump()));
  std::map<std::string, std::string> required{
    {"petrade_node_state", "gauge"},          {"petrade_node_zone", "gauge"},
    {"petrade_node_in_zone", "gauge"},        {"petrade_node_inflight", "gauge"},
    {"petrade_node_reachable", "gauge"},      {"petrade_node_head", "gauge"},
    {"petrade_node_load", "gauge"},           {"petrade_node_latency_seconds", "histogram"},
    {"petrade_lbh", "gauge"},                 {"petrade_health_margin", "gauge"},
    {"petrade_r_bar", "gauge"},               {"petrade_mailbox_depth", "gauge"},
    {"petrade_mailbox_capacity", "gauge"},    {"petrade_tasks_total", "counter"},
    {"petrade_tx_pending", "gauge"},          {"petrade_tx_replaced_total", "counter"},
    {"petrade_tx_confirmations", "gauge"},    {"petrade_tx_by_state", "gauge"},
    {"petrade_status_up", "gauge"}};
  for (auto& [name, type] : required)
    EXPECT_EQ(p.types[name], type) << name;
  for (auto& [name, type] : p.types)
    EXPECT_EQ(name.rfind("petrade_", 0), 0u) << name;

  EXPECT_EQ(p.of("petrade_node_state").size(), 12u);   // 2 nodes x 6 dimensions
  EXPECT_EQ(p.of("petrade_node_in_zone").size(), 6u);
  for (auto& s : p.of("petrade_node_zone"))
    EXPECT_EQ(s.value, s.labels["node"] == "node1" ? "1" : "3");
  for (auto& s : p.of("petrade_node_in_zone"))
    EXPECT_EQ(s.value, (s.labels["node"] == "node1" && s.labels["zone"] == "I")
                           || (s.labels["node"] == "node2" && s.labels["zone"] == "III")
                         ? "1" : "0");
  auto lbh = p.of("petrade_lbh");
  ASSERT_EQ(lbh.size(), 1u);
  EXPECT_EQ(lbh[0].value, "0.125");
  EXPECT_EQ(p.of("petrade_health_margin")[0].value, "1.75");
  EXPECT_EQ(p.of("petrade_mailbox_depth").size(), 4u);
  EXPECT_EQ(p.of("petrade_tasks_total").size(), 20u);   // 4 kinds x 5 outcomes
  for (auto& s : p.of("petrade_tasks_total")) {
    if (s.labels["kind"] == "read" && s.labels["outcome"] == "ok") {
      EXPECT_EQ(s.value, "9");
    }
  }
  for (auto& s : p.of("petrade_node_inflight"))   // dispatcher ids mapped to names
    EXPECT_EQ(s.value, s.labels["node"] == "node1" ? "2" : "0");
  EXPECT_EQ(p.of("petrade_node_rpc_latency_ewma_seconds")[0].value, "0.0125");
  EXPECT_EQ(p.of("petrade_tx_pending")[0].value, "2");
  EXPECT_EQ(p.of("petrade_tx_by_state").size(), 6u);
  EXPECT_EQ(p.of("petrade_dispatcher_retries_total")[0].value, "4");
}

// Checks every node's histogram: buckets with rising `le`, cumulative
// counts, the last bucket le="+Inf" equal to _count. Returns _count by node.
std::map<std::string, double> check_histograms(const parsed& p) {
  std::map<std::string, std::vector<sample>> buckets;
  for (auto& s : p.of("petrade_node_latency_seconds_bucket"))
    buckets[s.labels.at("node")].push_back(s);
  std::map<std::string, double> counts;
  for (auto& s : p.of("petrade_node_latency_seconds_count"))
    counts[s.labels.at("node")] = std::stod(s.value);
  EXPECT_EQ(p.of("petrade_node_latency_seconds_sum").size(), counts.size());
  EXPECT_EQ(buckets.size(), counts.size());
  for (auto& [node, bs] : buckets) {
    SCOPED_TRACE(node);
    if (bs.size() < 2) {
      ADD_FAILURE() << "fewer than two buckets";
      continue;
    }
    EXPECT_EQ(bs.back().labels.at("le"), "+Inf");
    EXPECT_EQ(std::stod(bs.back().value), counts[node]);
    for (std::size_t i = 1; i < bs.size(); ++i) {
      EXPECT_LE(std::stod(bs[i - 1].value), std::stod(bs[i].value));
      if (i + 1 < bs.size()) {
        EXPECT_LT(std::stod(bs[i - 1].labels.at("le")), std::stod(bs[i].labels.at("le")));
      }
    }
  }
  return counts;
}

TEST(Metrics, HistogramsAreCumulativeAndEndAtInfEqualToCount) {
  auto text = render_metrics(supervisor_doc().dump(), dispatcher_doc().dump(), tx_doc().dump());
  auto p = parse(text);
  auto counts = check_histograms(p);
  EXPECT_EQ(counts["node1"], 8);
  EXPECT_EQ(counts["node2"], 0);
  EXPECT_NE(text.find("petrade_node_latency_seconds_bucket{node=\"node1\",le=\"0.0025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("petrade_node_latency_seconds_sum{node=\"node1\"} 2.75\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(gateway::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  auto sup = supervisor_doc();
  sup["nodes"][0]["name"] = "we\"ird\\node\nname";
  auto text = render_metrics(sup.dump(), dispatcher_doc().dump(), "null");
  auto p = parse(text);
  EXPECT_NE(text.find("petrade_node_head{node=\"we\\\"ird\\\\node\\nname\"} 42\n"), std::string::npos)
    << text;
  for (auto& s : p.of("petrade_node_inflight")) {   // the dispatcher's id 0 gets the same name
    if (s.value == "2") {
      EXPECT_EQ(s.labels["node"], "we\\\"ird\\\\node\\nname");
    }
  }
}

TEST(Metrics, MissingDocumentsLeaveTheirFamiliesOut) {
  auto no_tx = render_metrics(supervisor_doc().dump(), dispatcher_doc().dump(), "null");
  auto p = parse(no_tx);
  EXPECT_EQ(no_tx.find("petrade_tx_"), std::string::npos);
  EXPECT_EQ(p.of("petrade_status_up").size(), 2u);   // no transaction manager, no line

  auto broken = render_metrics("{truncated", dispatcher_doc().dump(), "");
  p = parse(broken);
  for (auto& s : p.of("petrade_status_up"))
    EXPECT_EQ(s.value, s.labels["source"] == "supervisor" ? "0" : "1");
  EXPECT_TRUE(p.of("petrade_lbh").empty());
  EXPECT_EQ(p.of("petrade_mailbox_depth").size(), 4u);
  // Without the supervisor's names, dispatcher ids still get a node label.
  EXPECT_EQ(p.of("petrade_node_inflight")[0].labels["node"], "node0");

  auto tx_down = render_metrics("", "", "not json");
  p = parse(tx_down);
  EXPECT_EQ(p.of("petrade_status_up").size(), 3u);
  for (auto& s : p.of("petrade_status_up"))
    EXPECT_EQ(s.value, "0");
}

TEST(Metrics, TheWorkerGaugeFollowsTheLinkAndIsAbsentWithoutAWorker) {
  auto sup = supervisor_doc().dump();
  auto dis = dispatcher_doc().dump();
  auto attached = parse(render_metrics(sup, dis, "null", "attached"));
  ASSERT_EQ(attached.of("petrade_worker_attached").size(), 1u);
  EXPECT_EQ(attached.of("petrade_worker_attached")[0].value, "1");
  auto lost = parse(render_metrics(sup, dis, "null", "connecting"));
  ASSERT_EQ(lost.of("petrade_worker_attached").size(), 1u);
  EXPECT_EQ(lost.of("petrade_worker_attached")[0].value, "0");
  auto in_process = render_metrics(sup, dis, "null", "");
  EXPECT_EQ(in_process.find("petrade_worker_attached"), std::string::npos);
}

// The real dispatcher's status, rendered: the JSON shapes agree.
using test_config = petrade::test::deterministic_config;

TEST(Metrics, RendersTheDispatchersOwnStatus) {
  test_config cfg;
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  dispatcher_config dc;
  dc.strategy = "round_robin";
  auto dispatcher = spawn_dispatcher(sys, dc);
  auto node = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](execute_atom, const task& t) {
      task_result r;
      r.id = t.id;
      r.result = "\"0x1\"";
      return r;
    }};
  });
  caf::scoped_actor self{sys, true};
  self->send(dispatcher, attach_atom_v, std::uint32_t{0}, node);
  zone_map zones;
  zones.margin = 1;
  zones.nodes = {{0, zone::II, 0.1, true, 10}};
  self->send(dispatcher, zones_atom_v, zones, std::vector<node_state>{});
  auto answered = std::make_shared<int>(0);
  sys.spawn([dispatcher, answered](caf::event_based_actor* client) {
    for (std::uint64_t i = 1; i <= 3; ++i) {
      task t;
      t.id = i;
      t.method = "eth_blockNumber";
      client->request(dispatcher, caf::infinite, submit_atom_v, t).then([answered](task_result) {
        ++*answered;
      });
    }
  });
  sched.run();
  ASSERT_EQ(*answered, 3);
  auto status = std::make_shared<std::string>();
  sys.spawn([dispatcher, status](caf::event_based_actor* client) {
    client->request(dispatcher, caf::infinite, status_atom_v).then([status](std::string s) {
      *status = s;
    });
  });
  sched.run();
  ASSERT_FALSE(status->empty());

  auto p = parse(render_metrics("", *status, "null"));
  auto counts = check_histograms(p);
  EXPECT_EQ(counts["node0"], 3);
  for (auto& s : p.of("petrade_tasks_total"))
    EXPECT_EQ(s.value, s.labels["kind"] == "read" && s.labels["outcome"] == "ok" ? "3" : "0");
  EXPECT_EQ(p.of("petrade_mailbox_capacity").size(), 4u);

  self->send_exit(node, caf::exit_reason::user_shutdown);
  self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
  sched.run();
}

} // namespace
