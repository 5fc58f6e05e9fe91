// The targets, judged from one profile's rows (ratios of runs made
// side by side), and the charts drawn from the same rows.
#pragma once

#include "bench/report.hpp"

#include <map>
#include <string>
#include <vector>

namespace petrade::bench {

struct side_measures {
  double raw_rate = 0;      // raw transfers per second, until mined
  double write_rate = 0;    // business transfers per second, until mined
  double proxy_us = 0;      // platform CPU per /rpc request, instant upstream
  double proxy_added_ms = 0;
  double nginx_us = 0;      // nginx's CPU per request in front of the same upstream
  std::map<std::string, double> hetero_p99;   // strategy → p99 ms
};

std::vector<target_row> evaluate_targets(const std::vector<run_row>& rows, const side_measures& side);

/// Writes table51_completion.svg (fig. 5.10's axes), table51_strategies.svg
/// and rpc_throughput.svg into `dir`; returns their file names.
std::vector<std::string> write_charts(const std::vector<run_row>& rows, const std::string& dir);

} // namespace petrade::bench
