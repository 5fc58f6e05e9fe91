// Requests per client per second (design §9): a token bucket per client
// address, refilled continuously. Thread-safe; the server asks it once per
// request before anything else runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace petrade::gateway {

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// `rate` tokens per second, at most `burst` saved up; rate 0 = unlimited.
  rate_limiter(double rate, double burst);

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

  double rate_;
  double burst_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace petrade::gateway
