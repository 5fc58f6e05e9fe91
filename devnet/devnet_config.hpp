// What a devnet is made of: node count, ports, chain, quotas. Read from the
// "devnet" object of a JSON config file; command-line flags override it.
#pragma once

#include "protocol/config_section.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace petrade::devnet {

struct devnet_config {
  int nodes = 3;                               // 1..16; node 0 seals
  unsigned short base_port = 8545;             // node i listens on base_port + i
  std::uint64_t chain_id = 31337;
  std::uint64_t genesis_timestamp = 1700000000;  // the same genesis on every node
  std::string mnemonic = "test test test test test test test test test test test junk";
  int accounts = 10;                           // funded dev accounts
  double cpu_quota = 0;                        // cores per node; 0 = no quota
  /// Per-node overrides of cpu_quota by index (a slowed node for the
  /// benchmark's heterogeneous cluster); nodes past the end use cpu_quota.
  std::vector<double> cpu_quotas;
  std::string data_dir = "run/devnet";         // node logs
  std::string anvil;                           // empty = the npm-pinned anvil
  std::chrono::milliseconds sync_interval{50};
  std::chrono::milliseconds restart_backoff{500};

  double quota_of(int node) const {
    return node < static_cast<int>(cpu_quotas.size()) ? cpu_quotas[static_cast<std::size_t>(node)] : cpu_quota;
  }
};

/// Reads `path`; a missing file, bad JSON, an unknown key or a value of the
/// wrong type or range throws std::runtime_error naming the file, the key,
/// the value and what was expected. Keys left out keep their defaults.
devnet_config load_devnet_config(const std::string& path);

/// Reads a "devnet" section already opened by a larger config's reader.
devnet_config parse_devnet_config(config_section& section, const std::string& origin);

/// Checks ranges (also after command-line overrides); throws like above with
/// `origin` in place of the file name.
void validate(const devnet_config& c, const std::string& origin);

} // namespace petrade::devnet
