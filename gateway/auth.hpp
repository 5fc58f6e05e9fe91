// Who is asking (design §9): the bearer session token is resolved by the
// account actor on every request (sessions expire there, and a logout ends
// them at once); the route's access level is then checked.
#pragma once

#include "gateway/gateway_context.hpp"

#include <functional>
#include <memory>
#include <string>

namespace petrade::gateway {

enum class access { anyone, user, admin };

struct identity {
  std::string user;    // empty = anonymous
  std::string role;    // "user", "admin" or empty
  std::string token;   // the bearer token, for logout; never logged
};

/// Calls `then` with the caller's identity, or answers 401/403 itself. A
/// token that is present but unknown or expired is a 401 even on open
/// routes: the client believes it is signed in.
void authorize(gateway_context& ctx, const std::shared_ptr<exchange>& ex, access needed,
               std::function<void(identity)> then);

} // namespace petrade::gateway
