// feedback_config: defaults, derived values and validation messages that
// name the offending key and value.
#include "actors/feedback_config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

using namespace petrade;

namespace {

// The message of the std::invalid_argument validate() throws; "" if none.
std::string error_of(const feedback_config& cfg) {
  try {
    cfg.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(feedback_config, defaults_are_valid_and_documented) {
  feedback_config cfg;
  EXPECT_NO_THROW(cfg.validate());
  EXPECT_EQ(cfg.weights, (weight_vector{0.3, 0.2, 0.1, 0.2, 0.1, 0.1}));
  EXPECT_DOUBLE_EQ(cfg.r_max, 0.8);
  EXPECT_EQ(cfg.lag_max, 5u);
  EXPECT_DOUBLE_EQ(cfg.err_max, 0.2);
  EXPECT_DOUBLE_EQ(cfg.hysteresis, 0.05);
  EXPECT_EQ(cfg.confirm_samples, 2u);
  EXPECT_EQ(cfg.exit_iii_samples, 3u);
}

TEST(feedback_config, derived_values_scale_with_d) {
  feedback_config cfg;
  const double d = std::sqrt(0.09 + 0.04 + 0.01 + 0.04 + 0.01 + 0.01);
  EXPECT_NEAR(cfg.diagonal(), d, 1e-12);
  EXPECT_NEAR(cfg.r_max_load(), 0.8 * d, 1e-12);
  EXPECT_NEAR(cfg.band(), 0.05 * d, 1e-12);
}

TEST(feedback_config, thesis_preset_is_cpu_mem_only) {
  auto cfg = feedback_config::thesis();
  EXPECT_NO_THROW(cfg.validate());
  EXPECT_EQ(cfg.weights, (weight_vector{0.5, 0.5, 0, 0, 0, 0}));
  EXPECT_NEAR(cfg.diagonal(), std::sqrt(0.5), 1e-12);
}

TEST(feedback_config, negative_weight_names_its_dimension) {
  feedback_config cfg;
  cfg.weights = {0.4, 0.2, 0.2, 0.2, 0.1, -0.1};
  auto msg = error_of(cfg);
  EXPECT_NE(msg.find("weights.inflight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("-0.1"), std::string::npos) << msg;
}

TEST(feedback_config, weights_must_sum_to_one) {
  feedback_config cfg;
  cfg.weights = {0.3, 0.2, 0.1, 0.2, 0.1, 0.0};
  auto msg = error_of(cfg);
  EXPECT_NE(msg.find("weights"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0.9"), std::string::npos) << msg;
  // Within the 1e-6 tolerance is fine.
  cfg.weights = {0.3, 0.2, 0.1, 0.2, 0.1, 0.1 + 5e-7};
  EXPECT_EQ(error_of(cfg), "");
}

TEST(feedback_config, non_finite_weight_is_rejected) {
  feedback_config cfg;
  cfg.weights[1] = std::numeric_limits<double>::quiet_NaN();
  auto msg = error_of(cfg);
  EXPECT_NE(msg.find("weights.mem"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nan"), std::string::npos) << msg;
}

TEST(feedback_config, scalar_keys_are_named_with_their_values) {
  struct row {
    void (*set)(feedback_config&);
    const char* key;
    const char* value;
  };
  const row rows[] = {
    {[](feedback_config& c) { c.r_max = 0; }, "r_max", "= 0"},
    {[](feedback_config& c) { c.r_max = -0.5; }, "r_max", "-0.5"},
    {[](feedback_config& c) { c.r_max = 1.5; }, "r_max", "1.5"},
    {[](feedback_config& c) { c.err_max = 1.25; }, "err_max", "1.25"},
    {[](feedback_config& c) { c.err_max = -0.01; }, "err_max", "-0.01"},
    {[](feedback_config& c) { c.hysteresis = -0.02; }, "hysteresis", "-0.02"},
    {[](feedback_config& c) { c.hysteresis = 1; }, "hysteresis", "= 1"},
    {[](feedback_config& c) { c.confirm_samples = 0; }, "confirm_samples", "= 0"},
    {[](feedback_config& c) { c.exit_iii_samples = 0; }, "exit_iii_samples", "= 0"},
  };
  for (const auto& r : rows) {
    feedback_config cfg;
    r.set(cfg);
    auto msg = error_of(cfg);
    EXPECT_NE(msg.find(r.key), std::string::npos) << msg;
    EXPECT_NE(msg.find(r.value), std::string::npos) << msg;
  }
}

TEST(feedback_config, boundary_values_are_accepted) {
  feedback_config cfg;
  cfg.r_max = 1;
  cfg.err_max = 0;
  cfg.hysteresis = 0;
  cfg.confirm_samples = 1;
  cfg.exit_iii_samples = 1;
  cfg.lag_max = 0;
  EXPECT_EQ(error_of(cfg), "");
}

TEST(feedback_config, dimension_names) {
  EXPECT_STREQ(to_string(dimension::cpu), "cpu");
  EXPECT_STREQ(to_string(dimension::mem), "mem");
  EXPECT_STREQ(to_string(dimension::lag), "lag");
  EXPECT_STREQ(to_string(dimension::latency), "latency");
  EXPECT_STREQ(to_string(dimension::errors), "errors");
  EXPECT_STREQ(to_string(dimension::inflight), "inflight");
}
