// Requests per client per second (design §9): a token bucket per client
// address, refilled continuously. Thread-safe; the server asks it once per
// request before anything else runs. Operators change the default limit and
// set limits for single clients at runtime (gateway management).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace petrade::gateway {

/// `rate` tokens per second, at most `burst` saved up; rate 0 = unlimited.
struct rate_limit {
  double rate = 0;
  double burst = 1;
};

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  rate_limiter(double rate, double burst);

  void set_default(rate_limit l);
  rate_limit default_limit() const;
  /// A limit of its own for one client, or (nullopt) back to the default.
  void set_client(const std::string& client, std::optional<rate_limit> l);
  std::map<std::string, rate_limit> client_limits() const;
  /// The limit that applies to `client` now.
  rate_limit limit_for(const std::string& client) const;

  /// Takes a token for `client`; when there is none, false and the seconds
  /// until one is back (rounded up, at least 1) in `retry_after_s`.
  bool allow(const std::string& client, unsigned& retry_after_s, clock::time_point now = clock::now());

  std::size_t clients() const;

private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };
  void forget_idle(clock::time_point now);
  rate_limit limit_of(const std::string& client) const;   // under the lock

  rate_limit default_;
  std::map<std::string, rate_limit> clients_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace petrade::gateway
