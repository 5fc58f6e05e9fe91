// POST /rpc (design §1, §9): a JSON-RPC 2.0 endpoint for any Ethereum client.
// Each call becomes a task for the dispatcher — eth_sendRawTransaction a write
// task (deploy, account or contract by what the transaction does), everything
// else a read task — so other apps get the same state-feedback balancing as
// the platform. Batches are answered in order; notifications get no entry.
// Methods that would act with a node's own keys or control the node
// (eth_sendTransaction, personal_*, admin_*, anvil_*, ...) are refused.
#pragma once

#include "gateway/gateway_context.hpp"
#include "gateway/router.hpp"

#include <memory>
#include <string>

namespace petrade::gateway {

void add_rpc_route(router& r, std::shared_ptr<gateway_context> ctx);

/// Why a method may not go through the proxy, or empty.
std::string refused_method(const std::string& method);

} // namespace petrade::gateway
