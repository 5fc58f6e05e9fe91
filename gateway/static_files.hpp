// The web app (web/dist) as static files: content types by extension,
// long caching for hashed assets, index.html for any other path that is not
// an API (the app routes in the browser). Paths never leave the root.
#pragma once

#include "gateway/router.hpp"

#include <string>

namespace petrade::gateway {

/// The fallback route serving `root`; API-looking paths get a JSON 404.
route_handler static_files(std::string root);

} // namespace petrade::gateway
