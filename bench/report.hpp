// Where results go: one CSV row per run (bench/results/<profile>/runs.csv),
// the targets met or missed (targets.csv), SVG charts like thesis fig. 5.10,
// and a Markdown summary with the same numbers.
#pragma once

#include "bench/cluster_watch.hpp"
#include "bench/summary.hpp"

#include <string>
#include <vector>

namespace petrade::bench {

struct run_row {
  std::string scenario;     // table5.1, business, rpc_reads, hetero, ingestion, proxy_cost
  std::string mix;
  std::string target;       // platform, nginx_least_conn, nginx_round_robin, direct, instant
  int nodes = 0;
  std::string strategy;     // single for one node; "-" where none applies
  double quota = 0;         // cores per node
  std::size_t concurrency = 0;
  std::size_t requests = 0;
  double completion_s = 0;
  double throughput = 0;    // requests per second
  latency_summary latency;
  std::string failure_reasons;
  double drain_s = -1;      // after the last answer, until nothing was left; < 0 = not waited for
  watch_report watch;
};

struct target_row {
  std::string name;
  std::string measured;
  std::string goal;
  bool met = false;
};

std::string csv_header();
std::string csv_line(const run_row& r);

struct series {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

/// A line chart; `log_x` spaces the x axis logarithmically (concurrency).
std::string line_chart_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<series>& lines, bool log_x);

/// Markdown table of runs (the columns docs/benchmarks.md shows).
std::string markdown_runs(const std::vector<run_row>& rows);
std::string markdown_targets(const std::vector<target_row>& rows);

} // namespace petrade::bench
