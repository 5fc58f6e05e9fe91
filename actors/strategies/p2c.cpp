// Power of two choices: sample two distinct candidates, keep the one with
// fewer in-flight. Uses its own splitmix64 and a multiply-shift range
// reduction rather than <random> distributions, whose output differs between
// standard libraries; the benchmark must replay the same picks anywhere.
#include "actors/strategies/builtin.hpp"

namespace petrade::strategies {

namespace {

class p2c final : public strategy {
public:
  explicit p2c(std::uint64_t seed) : state_(seed) {}

  const char* name() const override { return "p2c"; }

  std::optional<std::size_t> pick(task_kind, std::span<const node_view> candidates) override {
    const auto n = candidates.size();
    if (n == 0)
      return std::nullopt;
    if (n == 1)
      return 0;
    const auto a = below(n);
    auto b = below(n - 1);
    if (b >= a)
      ++b;  // distinct from a, still uniform over the other n - 1
    return fewer_inflight(candidates[b], candidates[a]) ? b : a;
  }

private:
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform enough in [0, n) for n tiny next to 2^64 (bias < n / 2^64).
  std::size_t below(std::size_t n) {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

  std::uint64_t state_;
};

} // namespace

std::unique_ptr<strategy> make_p2c(std::uint64_t seed) {
  return std::make_unique<p2c>(seed);
}

} // namespace petrade::strategies
