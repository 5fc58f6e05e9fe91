// The operation table every business actor answers from: the operation's
// name, who may call it, and the function that runs it with a promise for
// the reply. One table per actor, one dispatch for all of them, so the access
// rules read the same everywhere.
#pragma once

#include "actors/business_kit.hpp"

#include <caf/response_promise.hpp>
#include <caf/result.hpp>

#include <span>

namespace petrade {

/// Who may call an operation.
enum class caller {
  anyone,   // also anonymous
  user,     // signed in (or the platform's own actors)
  admin,
  system,   // the platform's own actors only
};

template <class Actor>
struct business_op {
  const char* name;
  caller who;
  void (*run)(Actor*, const business_call&, const nlohmann::json&, caf::response_promise);
};

/// Finds `c.op` in `ops`, checks the caller and runs it; an unknown op,
/// a malformed body and a refused caller are answered here.
template <class Actor>
caf::result<business_reply> dispatch(Actor* self, const business_call& c,
                                     std::span<const business_op<Actor>> ops) {
  business_reply err;
  auto body = parse_body(c, err);
  if (!body)
    return err;
  for (auto& e : ops) {
    if (c.op != e.name)
      continue;
    if (e.who == caller::system && !is_system(c))
      return fail_reply(business_error::forbidden, c.op + " is for the platform's own actors");
    if (e.who != caller::anyone && !is_signed_in(c) && !is_system(c))
      return fail_reply(business_error::unauthenticated, c.op + " needs a signed-in user");
    if (e.who == caller::admin && !is_admin(c))
      return fail_reply(business_error::forbidden, c.op + " is for admins");
    // The promise takes the reply over: no value may be returned after it.
    e.run(self, c, *body, self->make_response_promise());
    return caf::delegated<business_reply>();
  }
  return fail_reply(business_error::invalid, "unknown operation " + c.op);
}

inline void deliver(caf::response_promise rp, business_reply r) {
  rp.deliver(std::move(r));
}

} // namespace petrade
