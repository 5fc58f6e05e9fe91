// One business actor asking another (the project actor asking the account
// actor who is whose friend, the token actor asking for a user's signer):
// requests with a deadline, failures turned into business replies so a dead
// or remote actor answers "unavailable" instead of leaving the caller hanging.
#pragma once

#include "protocol/business.hpp"
#include "protocol/eth/address.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace petrade::business {

using reply_done = std::function<void(const business_reply&)>;

/// Sends `call` to `to` and hands its reply (or an `unavailable` reply) to
/// `done`, in the calling actor's context.
void ask(caf::event_based_actor* self, const caf::actor& to, business_call call, reply_done done,
         std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// The address the platform signs with for `user`, after the account actor
/// has made sure the key is open in the transaction manager.
void signer(caf::event_based_actor* self, const caf::actor& accounts, const std::string& user,
            std::function<void(const eth::address&)> ok, reply_done fail);

/// Usernames to addresses (unknown names are missing from the map).
void addresses_of(caf::event_based_actor* self, const caf::actor& accounts,
                  const std::vector<std::string>& users,
                  std::function<void(const std::map<std::string, eth::address>&)> ok,
                  reply_done fail);

} // namespace petrade::business
