// Round robin by node id: remembering the last id (not a position) means a
// node joining or leaving the candidate set does not make the rotation skip
// or repeat the others.
#include "actors/strategies/builtin.hpp"

namespace petrade::strategies {

namespace {

class round_robin final : public strategy {
public:
  const char* name() const override { return "round_robin"; }

  std::optional<std::size_t> pick(task_kind, std::span<const node_view> candidates) override {
    std::optional<std::size_t> next;    // smallest id above last_
    std::optional<std::size_t> lowest;  // smallest id overall, for the wrap
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const auto id = candidates[i].node;
      if (!lowest || id < candidates[*lowest].node)
        lowest = i;
      if ((!started_ || id > last_) && (!next || id < candidates[*next].node))
        next = i;
    }
    auto chosen = next ? next : lowest;
    if (chosen) {
      last_ = candidates[*chosen].node;
      started_ = true;
    }
    return chosen;
  }

private:
  bool started_ = false;
  std::uint32_t last_ = 0;
};

} // namespace

std::unique_ptr<strategy> make_round_robin() {
  return std::make_unique<round_robin>();
}

} // namespace petrade::strategies
