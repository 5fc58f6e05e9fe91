// Gateway management for operators (issue 10), admin only:
//   GET  /api/admin/gateway                 groups, limits, per-route rates
//   POST /api/admin/gateway/groups/{group}  {"on": false} answers 503 for the
//                                           group's routes until {"on": true}
//   POST /api/admin/gateway/limits          {"route": "GET /api/projects"} or
//        {"client": "10.0.0.5"} or neither (the default per client), with
//        {"rate", "burst"} or {"remove": true}
// Changes take effect on the next request; none survives a restart.
#pragma once

#include "gateway/gateway_context.hpp"
#include "gateway/router.hpp"

#include <atomic>
#include <memory>

namespace petrade::gateway {

class traffic_control;

/// The gateway's traffic control, set once the server (and its limiter) exists.
using traffic_slot = std::shared_ptr<std::atomic<traffic_control*>>;

void add_traffic_routes(router& r, std::shared_ptr<gateway_context> ctx, traffic_slot traffic);

} // namespace petrade::gateway
