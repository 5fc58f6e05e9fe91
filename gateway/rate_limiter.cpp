#include "gateway/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace petrade::gateway {

namespace {
// Past this many tracked clients, full buckets are dropped: they hold no
// information a fresh bucket would not.
constexpr std::size_t prune_above = 10000;
} // namespace

rate_limiter::rate_limiter(double rate, double burst) : rate_(rate), burst_(std::max(burst, 1.0)) {}

bool rate_limiter::allow(const std::string& client, unsigned& retry_after_s, clock::time_point now) {
  if (rate_ <= 0)
    return true;
  std::lock_guard lock{mutex_};
  if (buckets_.size() > prune_above)
    forget_idle(now);
  auto [it, fresh] = buckets_.try_emplace(client, bucket{burst_, now});
  auto& b = it->second;
  // I/O threads read the clock before taking the lock, so times can come in
  // out of order: an earlier one refills nothing and must not take tokens
  // back (nor move `last` back, which would refill them twice).
  if (!fresh && now > b.last) {
    std::chrono::duration<double> dt = now - b.last;
    b.tokens = std::min(burst_, b.tokens + dt.count() * rate_);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  retry_after_s = static_cast<unsigned>(std::max(1.0, std::ceil((1.0 - b.tokens) / rate_)));
  return false;
}

std::size_t rate_limiter::clients() const {
  std::lock_guard lock{mutex_};
  return buckets_.size();
}

void rate_limiter::forget_idle(clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    std::chrono::duration<double> dt = now - it->second.last;
    if (it->second.tokens + dt.count() * rate_ >= burst_)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

} // namespace petrade::gateway
