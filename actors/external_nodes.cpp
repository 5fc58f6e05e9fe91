#include "actors/external_nodes.hpp"

#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"

#include <optional>
#include <stdexcept>

namespace petrade {

std::uint64_t agreed_chain_id(jsonrpc::io_runner& io, const std::vector<external_node>& nodes,
                              const std::function<void(const std::string&)>& warn,
                              std::chrono::milliseconds timeout) {
  std::optional<std::uint64_t> agreed;
  std::string agreed_by, first_failure;
  for (auto& n : nodes) {
    std::uint64_t id = 0;
    try {
      auto c = jsonrpc::client::create(io, n.url, {1, timeout});
      auto answer = c->call_sync("eth_chainId", nlohmann::json::array(), timeout);
      id = static_cast<std::uint64_t>(eth::from_quantity(answer.get<std::string>()));
    } catch (const std::exception& e) {
      auto why = "cannot reach node " + n.name + " at " + n.url + ": " + e.what();
      if (first_failure.empty())
        first_failure = why;
      if (warn)
        warn(why);
      continue;
    }
    if (agreed && *agreed != id)
      throw std::runtime_error("nodes are on different chains: " + agreed_by + " answers chain id "
                               + std::to_string(*agreed) + ", " + n.name + " answers "
                               + std::to_string(id));
    agreed = id;
    agreed_by = n.name;
  }
  if (!agreed)
    throw std::runtime_error(first_failure + (nodes.size() > 1 ? " (and no other node answered)" : ""));
  return *agreed;
}

} // namespace petrade
