// The platform the business and gateway suites start: a 2-node devnet on
// free ports, fast probes and polls, cheap scrypt, and the business layer
// with the platform role on anvil's first dev key.
#pragma once

#include "actors/business_host.hpp"
#include "actors/platform.hpp"
#include "tests/support/tools.hpp"

namespace petrade::test {

inline business_settings test_business_settings() {
  using namespace std::chrono_literals;
  business_settings b;
  b.key_secret = "test custody secret";
  b.password_scrypt_n = 1024;
  b.keystore_scrypt_n = 1024;
  b.min_expiry = 2s;
  b.indexer_poll = 50ms;
  b.call_timeout = 20s;
  return b;
}

inline platform_config test_platform_config(const std::string& dir, business_settings b) {
  using namespace std::chrono_literals;
  platform_config cfg;
  devnet::devnet_config net;
  net.nodes = 2;
  net.base_port = free_port_range(2);
  net.data_dir = dir + "/devnet";
  net.sync_interval = 20ms;
  cfg.devnet = net;
  cfg.dispatcher.chain_id = net.chain_id;
  cfg.supervisor.probe_interval = 200ms;
  cfg.db_path = dir + "/journal";
  cfg.platform_key = dev_keys[0];
  cfg.business = std::move(b);
  return cfg;
}

} // namespace petrade::test
