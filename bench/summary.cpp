#include "bench/summary.hpp"

#include <algorithm>
#include <cmath>

namespace petrade::bench {

double percentile(std::vector<double>& values, double q) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double median(std::vector<double> values) {
  return percentile(values, 0.5);
}

latency_summary summarize(const load_result& r, int op) {
  latency_summary s;
  std::vector<double> ms;
  ms.reserve(r.samples.size());
  for (auto& x : r.samples) {
    if (op >= 0 && x.op != op)
      continue;
    ms.push_back(x.micros / 1000.0);
    if (!x.ok)
      ++s.failed;
  }
  s.count = ms.size();
  if (ms.empty())
    return s;
  s.p50_ms = percentile(ms, 0.50);
  s.p95_ms = percentile(ms, 0.95);
  s.p99_ms = percentile(ms, 0.99);
  s.max_ms = ms.back();
  return s;
}

} // namespace petrade::bench
