// What every route of the gateway shares: the bridge to the actors, who
// asked for which write task, timeouts and the log.
#pragma once

#include "gateway/actor_bridge.hpp"
#include "gateway/http_exchange.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace petrade::gateway {

/// Which user's request created which write task, so that one user cannot
/// follow another's. Bounded: the oldest are forgotten first.
class task_owners {
public:
  explicit task_owners(std::size_t capacity = 100000) : capacity_(capacity) {}
  void remember(std::uint64_t task, const std::string& user);
  std::optional<std::string> owner(std::uint64_t task) const;

private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::string> owners_;
  std::deque<std::uint64_t> order_;
};

struct gateway_context {
  gateway_context(caf::actor_system& sys, actor_handles h) : bridge(sys, std::move(h)) {}

  actor_bridge bridge;
  task_owners owners;
  std::chrono::milliseconds call_timeout{30000};
  std::chrono::milliseconds max_task_wait{30000};
  /// level, text, request id.
  std::function<void(const std::string&, const std::string&, const std::string&)> log;
};

/// The JSON error answer for a refused business call.
response business_error_response(const request& req, int status, const std::string& code,
                                 const std::string& message);

} // namespace petrade::gateway
