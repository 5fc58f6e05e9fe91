// The REST API (docs/openapi.yaml): one table row per route naming the
// business operation behind it, who may call it, the fields it accepts and
// whether it is a write (202 + task id, `Idempotency-Key`). Plus the routes
// that are the gateway's own: health, auth's logout and task following.
#pragma once

#include "gateway/gateway_context.hpp"
#include "gateway/router.hpp"

#include <memory>

namespace petrade::gateway {

void add_api_routes(router& r, std::shared_ptr<gateway_context> ctx);

} // namespace petrade::gateway
