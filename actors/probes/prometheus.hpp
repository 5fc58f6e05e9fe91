// A parser for the Prometheus text exposition format (version 0.0.4), as
// geth serves it on /debug/metrics/prometheus: "# HELP"/"# TYPE" and other
// comments, samples `name{label="value",...} value [timestamp]` with escaped
// label values, NaN and ±Inf. Malformed lines are counted and skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace petrade::probes {

struct prom_sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;   // in text order
  double value = 0;                                          // may be NaN or ±Inf
  std::optional<std::int64_t> timestamp_ms;

  /// The value of label `key`, or nullptr.
  const std::string* label(std::string_view key) const;
};

struct prom_text {
  std::vector<prom_sample> samples;
  std::map<std::string, std::string> types;   // from "# TYPE name type"
  std::size_t bad_lines = 0;

  /// The first sample named `name` whose labels include every pair of
  /// `match` (no labels asked = the first of that name), or nullptr.
  const prom_sample* find(std::string_view name,
                          const std::vector<std::pair<std::string, std::string>>& match = {}) const;
  /// Like find, but only a finite value counts (NaN, ±Inf give nullopt).
  std::optional<double> number(std::string_view name,
                               const std::vector<std::pair<std::string, std::string>>& match = {}) const;
};

prom_text parse_prometheus(std::string_view text);

/// Parses one sample line (no comment, no blank); nullopt when malformed.
std::optional<prom_sample> parse_prometheus_line(std::string_view line);

} // namespace petrade::probes
