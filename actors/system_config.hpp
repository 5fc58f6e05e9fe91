// The actor system every petrade process runs: the middleman (for the
// control port and worker processes) and the petrade message types.
#pragma once

#include <caf/actor_system_config.hpp>

namespace petrade {

struct system_config : caf::actor_system_config {
  system_config();
};

} // namespace petrade
