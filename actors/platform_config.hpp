// The platform's config file (config/petrade.json): the devnet or external
// nodes, the state-feedback parameters, the dispatcher, the supervisor and
// the control port. Every key is optional and has a default; a wrong file is
// refused at start with the file, the key, the value and what was expected.
#pragma once

#include "actors/platform.hpp"

#include <string>
#include <vector>

namespace petrade {

struct worker_settings;
/// With `worker`, the business section's worker settings are stored there.
/// `other_sections` are top-level keys that other layers read, accepted
/// here without being looked at ("gateway" always is).
platform_config load_platform_config(const std::string& path, worker_settings* worker = nullptr,
                                     const std::vector<std::string>& other_sections = {"gateway"});

/// Makes the copies that must agree agree (the dispatcher's and the
/// supervisor's feedback parameters, the devnet's chain id) and validates.
void settle(platform_config& cfg, const std::string& origin);

} // namespace petrade
