// What operators watch (design §9): GET /api/cluster (nodes, zones, LBH,
// mailboxes), GET /api/cluster/stream (the same as server-sent events every
// interval, while anyone listens) and GET /metrics (Prometheus text).
#pragma once

#include "gateway/gateway_context.hpp"
#include "gateway/router.hpp"

#include <chrono>
#include <memory>

namespace petrade::gateway {

struct cluster_feed;

/// Returns the feed so the gateway can stop it.
std::shared_ptr<cluster_feed> add_cluster_routes(router& r, std::shared_ptr<gateway_context> ctx,
                                                 std::chrono::milliseconds interval,
                                                 std::string metrics_token);

void stop_feed(const std::shared_ptr<cluster_feed>& feed);

} // namespace petrade::gateway
