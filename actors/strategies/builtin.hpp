// Internal to actors/: the built-in strategies' factories and the in-zone
// orderings the feedback strategies share.
#pragma once

#include "actors/strategy.hpp"

namespace petrade::strategies {

std::unique_ptr<strategy> make_round_robin();
std::unique_ptr<strategy> make_least_inflight();
std::unique_ptr<strategy> make_p2c(std::uint64_t seed);
std::unique_ptr<strategy> make_thesis(const feedback_config& cfg);
std::unique_ptr<strategy> make_state_feedback();

/// (inflight, load, node) ordering: true if a goes before b.
bool fewer_inflight(const node_view& a, const node_view& b);

/// The zone-preference rule of both feedback strategies, given each
/// candidate's zone in `zones` (same indices as `candidates`); see
/// strategy.hpp. `loads` replaces node_view::load for the ordering.
std::optional<std::size_t> pick_by_zone(task_kind kind, std::span<const node_view> candidates,
                                        std::span<const zone> zones,
                                        std::span<const double> loads);

} // namespace petrade::strategies
