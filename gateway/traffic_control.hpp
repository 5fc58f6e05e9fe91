// Gateway management (issue 10): route groups switched off and on, request
// limits per route (per client on that route), and live request and error
// rates per route. Thread-safe: the I/O threads ask it for every request and
// tell it every answer; the admin routes change it.
//
// A route's group is its first path segment after /api/ (`projects`,
// `demands`, `auth`, `admin`, ...), or `rpc`, `metrics` and `web` (the web
// app's files). The `admin` group cannot be switched off: it is how it is
// switched back on.
#pragma once

#include "gateway/rate_limiter.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace petrade::gateway {

/// The group of a route pattern (or of an unrouted path: `web`).
std::string group_of(const std::string& pattern);

class traffic_control {
public:
  using clock = std::chrono::steady_clock;

  /// Why a request is not served: the status, code and message to answer.
  struct refusal {
    int status = 503;
    std::string code;
    std::string message;
    unsigned retry_after_s = 0;
  };

  /// `clients` is the server's per-client limiter (default and per client);
  /// `routes` the served routes as "METHOD pattern".
  traffic_control(rate_limiter& clients, std::vector<std::string> routes);

  /// Before the handler: `route` is "METHOD pattern", or "web" for the web app.
  std::optional<refusal> admit(const std::string& route, const std::string& group, const std::string& client,
                               clock::time_point now = clock::now());
  /// After the answer.
  void record(const std::string& route, int status, clock::time_point now = clock::now());

  /// Switches a group; false for an unknown group. Throws std::invalid_argument
  /// for switching `admin` off.
  bool switch_group(const std::string& group, bool on);
  /// A limit for one route (per client on it), or none. The route must be
  /// one the gateway serves ("GET /api/projects"); false otherwise.
  bool limit_route(const std::string& route, std::optional<rate_limit> l);
  void limit_client(const std::string& client, std::optional<rate_limit> l);
  void limit_default(rate_limit l);

  /// Groups, limits and per-route rates over the last `window_s` seconds.
  nlohmann::json snapshot(clock::time_point now = clock::now()) const;

  static constexpr int window_s = 10;

private:
  struct second {
    std::int64_t at = -1;   // whole seconds since the epoch of `clock`
    std::uint64_t requests = 0, client_errors = 0, server_errors = 0;
  };
  struct route_stats {
    std::string group;
    second window[window_s];
    std::uint64_t requests = 0, client_errors = 0, server_errors = 0, refused = 0;
    std::unique_ptr<rate_limiter> limit;   // per client on this route; none = only the client limit
    std::optional<rate_limit> limit_value;
  };

  rate_limiter& clients_;
  mutable std::mutex mutex_;
  std::set<std::string> groups_;
  std::set<std::string> off_;
  std::map<std::string, route_stats> routes_;
};

} // namespace petrade::gateway
