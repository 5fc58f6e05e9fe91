#include "actors/strategy.hpp"

#include "actors/strategies/builtin.hpp"

#include <stdexcept>
#include <tuple>

namespace petrade {

namespace strategies {

bool fewer_inflight(const node_view& a, const node_view& b) {
  return std::tie(a.inflight, a.load, a.node) < std::tie(b.inflight, b.load, b.node);
}

std::optional<std::size_t> pick_by_zone(task_kind kind, std::span<const node_view> candidates,
                                        std::span<const zone> zones,
                                        std::span<const double> loads) {
  const bool write = kind != task_kind::read;
  const zone first = write ? zone::I : zone::II;
  const zone second = write ? zone::II : zone::I;
  // Writes: least loaded (ties: in-flight, id); reads: fewest in-flight
  // (ties: load, id). Keys are built from `loads`, not node_view::load, so
  // the thesis strategy can order by its own 2-D load.
  auto before = [&](std::size_t a, std::size_t b) {
    const auto& x = candidates[a];
    const auto& y = candidates[b];
    if (write)
      return std::tie(loads[a], x.inflight, x.node) < std::tie(loads[b], y.inflight, y.node);
    return std::tie(x.inflight, loads[a], x.node) < std::tie(y.inflight, loads[b], y.node);
  };
  for (zone z : {first, second}) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < candidates.size(); ++i)
      if (zones[i] == z && (!best || before(i, *best)))
        best = i;
    if (best)
      return best;
  }
  return std::nullopt;
}

} // namespace strategies

std::vector<std::string> strategy_names() {
  return {"round_robin", "least_inflight", "p2c", "thesis", "state_feedback"};
}

std::unique_ptr<strategy> make_strategy(std::string_view name, const feedback_config& cfg,
                                        std::uint64_t seed) {
  if (name == "round_robin")
    return strategies::make_round_robin();
  if (name == "least_inflight")
    return strategies::make_least_inflight();
  if (name == "p2c")
    return strategies::make_p2c(seed);
  if (name == "thesis")
    return strategies::make_thesis(cfg);
  if (name == "state_feedback")
    return strategies::make_state_feedback();
  std::string known;
  for (const auto& n : strategy_names())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown strategy '" + std::string{name} + "' (known: " + known
                              + ")");
}

} // namespace petrade
