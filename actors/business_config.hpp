// The "business" section of the platform's config file: the platform role's
// key, the custody secret and bootstrap admin (each kept in a file the
// platform creates with mode 0600 when missing), where the business actors
// run (this process or a worker) and their limits.
#pragma once

#include "actors/platform.hpp"
#include "protocol/config_section.hpp"

#include <string>

namespace petrade {

struct worker_settings {
  std::string host = "127.0.0.1";   // where the platform finds the worker
  std::string bind = "127.0.0.1";   // where the worker listens
  unsigned short port = 0;
  std::string database;             // the worker's own RocksDB folder
};

/// Fills cfg.business, cfg.platform_key and the worker address from the
/// section; `worker` gets the worker's own settings. Secrets named by file
/// are read (or created) here, so a refused file names its path.
void read_business(config_section& s, platform_config& cfg, worker_settings& worker);

/// The secret in `path`, or a new random one (64 hex digits) written there
/// with mode 0600. Throws config-style std::runtime_error naming the path.
std::string read_or_create_secret(const std::string& path);

} // namespace petrade
