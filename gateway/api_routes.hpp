// The REST API (docs/openapi.yaml): one table row per route naming the
// business operation behind it, who may call it, the fields it accepts and
// whether it is a write (202 + task id, `Idempotency-Key`). Plus the routes
// that are the gateway's own: health, auth's logout and task following.
#pragma once

#include "gateway/auth.hpp"
#include "gateway/body_rules.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/router.hpp"

#include <memory>
#include <vector>

namespace petrade::gateway {

struct api_route {
  const char* method;
  const char* path;
  const char* op;
  access who;
  bool write = false;
  field_rules fields = {};   // the body for POST, the query for GET
  http::status ok = http::status::ok;
};

/// Every REST route of the table, in the order they are added (the fuzz
/// target in tests/fuzz/api_body.cpp feeds each one's rules).
const std::vector<api_route>& api_route_table();

void add_api_routes(router& r, std::shared_ptr<gateway_context> ctx);

} // namespace petrade::gateway
