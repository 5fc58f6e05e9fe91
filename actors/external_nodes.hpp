// What the platform checks about external nodes before it starts: that they
// answer, and which chain they are on (the chain id writes are signed for).
#pragma once

#include "actors/platform.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace petrade {

namespace jsonrpc {
class io_runner;
}

/// Asks every node for eth_chainId. Returns the id they agree on; throws
/// std::runtime_error naming the node, its URL and the reason when none
/// answers ("cannot reach node ...") or when two answer differently. A node
/// that does not answer while others do is passed to `warn` (the supervisor
/// repairs it later).
std::uint64_t agreed_chain_id(jsonrpc::io_runner& io, const std::vector<external_node>& nodes,
                              const std::function<void(const std::string&)>& warn,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

} // namespace petrade
