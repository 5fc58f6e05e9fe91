// Node operations for operators (issue 10), admin only:
//   POST   /api/cluster/nodes                  {"devnet": true} or {"url", "name"?, "submit_url"?}
//   DELETE /api/cluster/nodes/{node}           drained first, then removed
//   POST   /api/cluster/nodes/{node}/cordon    no new tasks, still watched
//   POST   /api/cluster/nodes/{node}/uncordon
// {node} is a node's name or id. Answers the node (201 for an added one) or
// {"error": {code, message}} with the platform's status (400, 404, 409).
#pragma once

#include "gateway/gateway_context.hpp"
#include "gateway/router.hpp"

#include <memory>

namespace petrade::gateway {

void add_node_routes(router& r, std::shared_ptr<gateway_context> ctx);

} // namespace petrade::gateway
