#include "gateway/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace petrade::gateway {

namespace {
// Past this many tracked clients, full buckets are dropped: they hold no
// information a fresh bucket would not.
constexpr std::size_t prune_above = 10000;
} // namespace

rate_limiter::rate_limiter(double rate, double burst) : default_{rate, std::max(burst, 1.0)} {}

void rate_limiter::set_default(rate_limit l) {
  std::lock_guard lock{mutex_};
  default_ = {l.rate, std::max(l.burst, 1.0)};
}

rate_limit rate_limiter::default_limit() const {
  std::lock_guard lock{mutex_};
  return default_;
}

void rate_limiter::set_client(const std::string& client, std::optional<rate_limit> l) {
  std::lock_guard lock{mutex_};
  if (l)
    clients_[client] = {l->rate, std::max(l->burst, 1.0)};
  else
    clients_.erase(client);
}

std::map<std::string, rate_limit> rate_limiter::client_limits() const {
  std::lock_guard lock{mutex_};
  return clients_;
}

rate_limit rate_limiter::limit_for(const std::string& client) const {
  std::lock_guard lock{mutex_};
  return limit_of(client);
}

rate_limit rate_limiter::limit_of(const std::string& client) const {
  auto it = clients_.find(client);
  return it == clients_.end() ? default_ : it->second;
}

bool rate_limiter::allow(const std::string& client, unsigned& retry_after_s, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto limit = limit_of(client);
  if (limit.rate <= 0)
    return true;
  if (buckets_.size() > prune_above)
    forget_idle(now);
  auto [it, fresh] = buckets_.try_emplace(client, bucket{limit.burst, now});
  auto& b = it->second;
  // I/O threads read the clock before taking the lock, so times can come in
  // out of order: an earlier one refills nothing and must not take tokens
  // back (nor move `last` back, which would refill them twice).
  if (!fresh && now > b.last) {
    std::chrono::duration<double> dt = now - b.last;
    b.tokens = std::min(limit.burst, b.tokens + dt.count() * limit.rate);
    b.last = now;
  }
  b.tokens = std::min(b.tokens, limit.burst);   // a lowered limit applies at once
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  retry_after_s = static_cast<unsigned>(std::max(1.0, std::ceil((1.0 - b.tokens) / limit.rate)));
  return false;
}

std::size_t rate_limiter::clients() const {
  std::lock_guard lock{mutex_};
  return buckets_.size();
}

void rate_limiter::forget_idle(clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    std::chrono::duration<double> dt = now - it->second.last;
    auto limit = limit_of(it->first);
    if (it->second.tokens + dt.count() * limit.rate >= limit.burst)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

} // namespace petrade::gateway
