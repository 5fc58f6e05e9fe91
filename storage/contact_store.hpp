// Contacts between users (design §1): friend requests and friendships, in
// the `read_models` column. Each fact is stored from both sides so every
// question ("my friends", "who asked me") is one prefix scan:
//
//   "friend:<a>:<b>"   a and b are friends (written for both orders)
//   "asked_by:<to>:<from>", "asked:<from>:<to>"   an open request from -> to
//
// Usernames never contain ':' (actors/account_rules), so a prefix ending in
// ':' cannot match a longer name. Every change is one synced batch.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace petrade::storage {

class database;

/// How `other` stands to `me`.
enum class relation {
  self,
  friends,
  requested,   // me asked other
  pending,     // other asked me
  none,
};

/// "self", "friend", "requested", "pending", "none".
const char* to_string(relation r);

class contact_store {
public:
  explicit contact_store(database& db) : db_(db) {}

  relation between(std::string_view me, std::string_view other) const;
  bool are_friends(std::string_view a, std::string_view b) const;
  bool has_request(std::string_view from, std::string_view to) const;

  /// Records an open request from `from` to `to`.
  void request(std::string_view from, std::string_view to);
  /// Makes a and b friends and drops any request between them.
  void befriend(std::string_view a, std::string_view b);
  /// Drops the request from `from` to `to`; false when there was none.
  bool withdraw(std::string_view from, std::string_view to);

  /// Sorted usernames.
  std::vector<std::string> friends(std::string_view user) const;
  std::vector<std::string> incoming(std::string_view user) const;
  std::vector<std::string> outgoing(std::string_view user) const;

private:
  std::vector<std::string> names_under(const std::string& prefix) const;
  database& db_;
};

} // namespace petrade::storage
