// The platform's config file (config/petrade.json): the devnet or external
// nodes, the state-feedback parameters, the dispatcher, the supervisor and
// the control port. Every key is optional and has a default; a wrong file is
// refused at start with the file, the key, the value and what was expected.
#pragma once

#include "actors/platform.hpp"

#include <string>

namespace petrade {

struct worker_settings;
/// With `worker`, the business section's worker settings are stored there.
platform_config load_platform_config(const std::string& path, worker_settings* worker = nullptr);

/// Makes the copies that must agree agree (the dispatcher's and the
/// supervisor's feedback parameters, the devnet's chain id) and validates.
void settle(platform_config& cfg, const std::string& origin);

} // namespace petrade
