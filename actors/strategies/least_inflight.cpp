// Least in-flight: the classic "least connections" baseline.
#include "actors/strategies/builtin.hpp"

namespace petrade::strategies {

namespace {

class least_inflight final : public strategy {
public:
  const char* name() const override { return "least_inflight"; }

  std::optional<std::size_t> pick(task_kind, std::span<const node_view> candidates) override {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < candidates.size(); ++i)
      if (!best || fewer_inflight(candidates[i], candidates[*best]))
        best = i;
    return best;
  }
};

} // namespace

std::unique_ptr<strategy> make_least_inflight() {
  return std::make_unique<least_inflight>();
}

} // namespace petrade::strategies
