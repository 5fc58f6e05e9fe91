// Results files and the targets judged from rows measured side by side.
#include "bench/report.hpp"
#include "bench/targets.hpp"

#include <gtest/gtest.h>

namespace petrade::bench {
namespace {

run_row row(std::string scenario, std::string target, int nodes, std::string strategy, double tput, double p50,
            std::size_t c = 64) {
  run_row r;
  r.scenario = std::move(scenario);
  r.target = std::move(target);
  r.nodes = nodes;
  r.strategy = std::move(strategy);
  r.throughput = tput;
  r.latency.p50_ms = p50;
  r.concurrency = c;
  r.completion_s = 1000.0 / tput;
  return r;
}

TEST(Report, CsvLinesHaveTheHeadersColumns) {
  auto header = csv_header();
  auto r = row("table5.1", "platform", 3, "state_feedback", 100, 2, 1200);
  r.failure_reasons = "HTTP 503 on deploy x2";
  r.watch.nodes.push_back({"node0", 0.5, {1, 0, 0}, 0.4});
  auto line = csv_line(r);
  auto commas = [](const std::string& s) {
    int n = 0;
    bool quoted = false;
    for (char ch : s) {
      quoted ^= ch == '"';
      n += ch == ',' && !quoted;
    }
    return n;
  };
  EXPECT_EQ(commas(line), commas(header));
  EXPECT_NE(line.find("node0=1.00/0.00/0.00"), std::string::npos) << line;
}

TEST(Report, TargetsCompareRunsOfTheSameProfile) {
  std::vector<run_row> rows{
    row("table5.1", "platform", 1, "single", 50, 10, 1200), row("table5.1", "platform", 3, "state_feedback", 90, 10, 1200),
    row("rpc_reads", "platform", 1, "single", 1000, 5), row("rpc_reads", "platform", 3, "state_feedback", 2700, 5.4),
    row("rpc_reads", "direct", 3, "-", 3000, 5), row("rpc_reads", "nginx_least_conn", 3, "-", 2800, 5)};
  rows[1].latency.failed = 1;
  side_measures side;
  side.proxy_us = 12;
  side.raw_rate = 100;
  side.write_rate = 95;
  side.hetero_p99 = {{"round_robin", 300}, {"least_inflight", 100}, {"state_feedback", 100}};
  auto t = evaluate_targets(rows, side);
  auto get = [&](const std::string& prefix) {
    for (auto& x : t)
      if (x.name.rfind(prefix, 0) == 0)
        return x;
    ADD_FAILURE() << "no target " << prefix;
    return target_row{};
  };
  EXPECT_FALSE(get("table 5.1 mix at 1200").met);           // one failure
  EXPECT_TRUE(get("/rpc reads over 3 nodes").met);           // 2.7x >= 2.55x
  EXPECT_FALSE(get("/rpc throughput vs nginx").met);         // 2700 < 2800
  EXPECT_TRUE(get("median latency via /rpc").met);           // 1.08x
  EXPECT_TRUE(get("slowed node: p99 round_robin").met);
  EXPECT_FALSE(get("slowed node: p99 least_inflight").met);
  EXPECT_FALSE(get("proxy CPU").met);
  EXPECT_TRUE(get("business writes").met);
  for (auto& x : t)   // the headline strategy was the best: no second row
    EXPECT_EQ(x.name.find("best strategy"), std::string::npos) << x.name;
}

TEST(Report, ABetterStrategyThanTheDefaultIsReportedBesideIt) {
  std::vector<run_row> rows{row("table5.1", "platform", 3, "state_feedback", 90, 10, 1200),
                            row("rpc_reads", "platform", 1, "single", 1000, 5),
                            row("rpc_reads", "platform", 3, "state_feedback", 1900, 5),
                            row("rpc_reads", "platform", 3, "round_robin", 3100, 5),
                            row("rpc_reads", "platform", 3, "p2c", 2000, 5),
                            row("rpc_reads", "nginx_least_conn", 3, "-", 3000, 5)};
  auto t = evaluate_targets(rows, side_measures{});
  std::vector<std::pair<std::string, bool>> got;
  for (auto& x : t)
    got.emplace_back(x.name, x.met);
  std::vector<std::pair<std::string, bool>> want{
    {"table 5.1 mix at 1200 concurrent", true},
    {"/rpc reads over 3 nodes vs 1", false},
    {"/rpc throughput vs nginx least_conn, 3 nodes", false},
    {"/rpc reads over 3 nodes vs 1 (best strategy: round_robin)", true},
    {"/rpc throughput vs nginx least_conn, 3 nodes (best strategy: round_robin)", true}};
  EXPECT_EQ(got, want);
}

TEST(Report, ChartsAreSvgWithOneLinePerSeries) {
  auto svg = line_chart_svg("t <1>", "x", "y", {{"a", {{200, 1}, {1200, 3}}}, {"b", {{200, 2}}}}, true);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("t &lt;1&gt;"), std::string::npos);
  std::size_t lines = 0;
  for (auto at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

} // namespace
} // namespace petrade::bench
