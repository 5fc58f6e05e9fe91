// What every route of the gateway shares: the bridge to the actors,
// timeouts and the log.
#pragma once

#include "gateway/actor_bridge.hpp"
#include "gateway/http_exchange.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace petrade::gateway {

struct gateway_context {
  gateway_context(caf::actor_system& sys, actor_handles h) : bridge(sys, std::move(h)) {}

  actor_bridge bridge;
  std::chrono::milliseconds call_timeout{30000};
  std::chrono::milliseconds max_task_wait{30000};
  /// level, text, request id.
  std::function<void(const std::string&, const std::string&, const std::string&)> log;
};

/// Journals `user` as the owner of each of `tasks` (so that they, and only
/// they and the admin, may follow them, across restarts too), then calls
/// `then`, whether or not every record succeeded: the tasks are accepted
/// either way, and a failure is logged.
void record_owners(const std::shared_ptr<gateway_context>& ctx, std::vector<std::uint64_t> tasks,
                   const std::string& user, const std::string& request_id, std::function<void()> then);

/// The JSON error answer for a refused business call.
response business_error_response(const request& req, int status, const std::string& code,
                                 const std::string& message);

} // namespace petrade::gateway
