// Routing strategies of the dispatcher (design §3, §4) behind one interface,
// chosen by name so the benchmark can compare them. Pure: a strategy sees a
// filtered candidate list and returns an index; the dispatcher does the rest.
//
// Names and rules (ties are always broken down to the node id, so every pick
// is deterministic):
//  - round_robin:    the next node id after the last one picked, wrapping;
//                    rotates by id, not position, so it stays fair while the
//                    candidate set changes.
//  - least_inflight: fewest in-flight; ties: lower load, then lower id.
//  - p2c:            two distinct candidates drawn with a seeded generator
//                    (splitmix64, same sequence on every platform); the one
//                    with fewer in-flight, ties as least_inflight.
//  - thesis:         the seed's 2-D state feedback: zones recomputed from
//                    cpu/mem only (w = 0.5/0.5) over the candidates, without
//                    hysteresis, zone III at r ≥ cfg.r_max · D_2d. Candidates
//                    without a state are treated as zone III.
//  - state_feedback: the supervisor's zones (node_view::zone, n-D with
//                    hysteresis).
// Both feedback strategies: writes -> zone I, least loaded first (ties:
// fewer in-flight, id), else zone II in the same order; reads -> zone II
// spread by fewest in-flight (ties: lower load, id) because reads are short
// and the goal there is to use every read node, else zone I in that order;
// zone III never; nullopt when only zone III is left.
#pragma once

#include "actors/feedback_config.hpp"
#include "protocol/node_state.hpp"
#include "protocol/task.hpp"
#include "protocol/zone_map.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace petrade {

struct node_view {
  std::uint32_t node = 0;
  petrade::zone zone = petrade::zone::III;
  double load = 0;                       // r_i from the zone map
  std::uint32_t inflight = 0;
  std::uint32_t inflight_cap = 0;
  std::uint64_t head = 0;
  const node_state* state = nullptr;     // the latest sample, may be null
};

class strategy {
public:
  virtual ~strategy() = default;
  virtual const char* name() const = 0;
  /// Index into `candidates` of the node for a task of this kind, or nullopt
  /// (e.g. only zone III nodes for the state-feedback ones). Candidates are
  /// already filtered by the dispatcher: admitted by the supervisor, under
  /// their in-flight cap, at or past the task's min_block, not excluded.
  virtual std::optional<std::size_t> pick(task_kind kind,
                                          std::span<const node_view> candidates) = 0;
};

/// One of strategy_names(); `seed` feeds the randomised ones (p2c).
/// Unknown name -> std::invalid_argument listing the known names.
std::unique_ptr<strategy> make_strategy(std::string_view name, const feedback_config& cfg,
                                        std::uint64_t seed);

/// round_robin, least_inflight, p2c, thesis, state_feedback.
std::vector<std::string> strategy_names();

} // namespace petrade
