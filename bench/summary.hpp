// What a load run comes to: completion time (the thesis's measure),
// throughput, latency percentiles and failures, overall and per operation.
#pragma once

#include "bench/load_engine.hpp"

#include <string>
#include <vector>

namespace petrade::bench {

struct latency_summary {
  std::size_t count = 0;
  std::size_t failed = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
};

/// Nearest-rank percentiles over every sample (failed ones included: a
/// client waited for them too). `op` < 0 takes every operation.
latency_summary summarize(const load_result& r, int op = -1);

/// Nearest-rank percentile `q` in [0, 1] of `values` (sorted in place).
double percentile(std::vector<double>& values, double q);

/// The median of a few repeated measurements.
double median(std::vector<double> values);

} // namespace petrade::bench
