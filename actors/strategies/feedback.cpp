// The two state-feedback strategies. They share the zone preference rule
// (pick_by_zone) and differ in where zones come from: `thesis` recomputes
// the seed's 2-D cpu/mem zones over the candidates on every pick, while
// `state_feedback` trusts the supervisor's n-D zones with hysteresis.
#include "actors/strategies/builtin.hpp"

#include "actors/state_space.hpp"

#include <vector>

namespace petrade::strategies {

namespace {

class thesis final : public strategy {
public:
  explicit thesis(const feedback_config& cfg)
    : weights_(feedback_config::thesis().weights),
      r_max_(cfg.r_max * diagonal(weights_)) {}

  const char* name() const override { return "thesis"; }

  std::optional<std::size_t> pick(task_kind kind,
                                  std::span<const node_view> candidates) override {
    loads_.assign(candidates.size(), 0.0);
    zones_.assign(candidates.size(), zone::III);
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (candidates[i].state == nullptr)
        continue;  // nothing to place it by: left in III
      loads_[i] = load(*candidates[i].state, weights_);
      sum += loads_[i];
      ++n;
    }
    const double r_bar = n == 0 ? 0.0 : sum / static_cast<double>(n);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (candidates[i].state == nullptr || loads_[i] >= r_max_)
        continue;
      zones_[i] = within_mean(loads_[i], r_bar, diagonal(weights_)) ? zone::I : zone::II;
    }
    return pick_by_zone(kind, candidates, zones_, loads_);
  }

private:
  weight_vector weights_;
  double r_max_;
  // Scratch space reused across picks: the dispatcher calls pick per task.
  std::vector<double> loads_;
  std::vector<zone> zones_;
};

class state_feedback final : public strategy {
public:
  const char* name() const override { return "state_feedback"; }

  std::optional<std::size_t> pick(task_kind kind,
                                  std::span<const node_view> candidates) override {
    loads_.clear();
    zones_.clear();
    for (const auto& c : candidates) {
      loads_.push_back(c.load);
      zones_.push_back(c.zone);
    }
    return pick_by_zone(kind, candidates, zones_, loads_);
  }

private:
  std::vector<double> loads_;
  std::vector<zone> zones_;
};

} // namespace

std::unique_ptr<strategy> make_thesis(const feedback_config& cfg) {
  return std::make_unique<thesis>(cfg);
}

std::unique_ptr<strategy> make_state_feedback() {
  return std::make_unique<state_feedback>();
}

} // namespace petrade::strategies
