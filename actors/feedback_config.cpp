#include "actors/feedback_config.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace petrade {

const char* to_string(dimension d) {
  switch (d) {
    case dimension::cpu: return "cpu";
    case dimension::mem: return "mem";
    case dimension::lag: return "lag";
    case dimension::latency: return "latency";
    case dimension::errors: return "errors";
    case dimension::inflight: return "inflight";
  }
  return "?";
}

double feedback_config::diagonal() const {
  double sum = 0;
  for (double w : weights)
    sum += w * w;
  return std::sqrt(sum);
}

double feedback_config::r_max_load() const {
  return r_max * diagonal();
}

double feedback_config::band() const {
  return hysteresis * diagonal();
}

namespace {

// Formats the value with enough digits that the reader sees what was wrong
// (a sum of 0.9999 must not print as "1").
template <class T>
[[noreturn]] void reject(const std::string& key, T value, const char* why) {
  std::ostringstream os;
  os.precision(10);
  os << "feedback_config: " << key << " = " << value << ": " << why;
  throw std::invalid_argument(os.str());
}

} // namespace

void feedback_config::validate() const {
  double sum = 0;
  for (std::size_t k = 0; k < dimension_count; ++k) {
    auto key = std::string{"weights."} + to_string(static_cast<dimension>(k));
    if (!std::isfinite(weights[k]))
      reject(key, weights[k], "must be a finite number");
    if (weights[k] < 0)
      reject(key, weights[k], "must be >= 0");
    sum += weights[k];
  }
  if (std::abs(sum - 1.0) > 1e-6)
    reject("weights (sum)", sum, "must sum to 1 (+/- 1e-6)");
  // NaN fails every comparison, so each test is written to reject it too.
  if (!(r_max > 0))
    reject("r_max", r_max, "must be > 0 (a fraction of D)");
  if (!(r_max <= 1))
    reject("r_max", r_max, "must be <= 1 (a fraction of D; |p| never exceeds D)");
  if (!(err_max >= 0 && err_max <= 1))
    reject("err_max", err_max, "must be in [0, 1]");
  if (!(hysteresis >= 0 && hysteresis < 1))
    reject("hysteresis", hysteresis, "must be in [0, 1) (a fraction of D)");
  if (confirm_samples < 1)
    reject("confirm_samples", confirm_samples, "must be >= 1");
  if (exit_iii_samples < 1)
    reject("exit_iii_samples", exit_iii_samples, "must be >= 1");
}

feedback_config feedback_config::thesis() {
  feedback_config cfg;
  cfg.weights = {0.5, 0.5, 0, 0, 0, 0};
  return cfg;
}

} // namespace petrade
