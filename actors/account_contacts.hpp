// The contacts half of the account actor (design §1: "manage contacts"):
// user search, friend requests and friendships, and the questions other
// actors ask ("friends only" visibility). Every operation is a few local
// RocksDB reads and at most one synced batch, so they run inline in the
// account actor and answer at once.
#pragma once

#include "actors/account_fields.hpp"
#include "protocol/business.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace petrade {

namespace storage {
class database;
}

struct contacts_op {
  const char* name;   // full operation name, "account.friends"
  caller who;
  business_reply (*run)(storage::database& db, const business_call& c,
                        const nlohmann::json& body);
};

/// The contacts operations, for the account actor's operation table.
const std::vector<contacts_op>& contacts_ops();

} // namespace petrade
