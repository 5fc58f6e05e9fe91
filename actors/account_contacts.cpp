#include "actors/account_contacts.hpp"

#include "actors/business_kit.hpp"
#include "storage/contact_store.hpp"
#include "storage/user_store.hpp"

#include <algorithm>

namespace petrade {

namespace {

using json = nlohmann::json;
using storage::relation;

constexpr std::int64_t search_limit_max = 50;
constexpr std::int64_t search_limit_default = 20;
constexpr std::size_t query_max = 32;

business_reply no_user(const std::string& field, const std::string& name) {
  return fail_reply(business_error::not_found, "no user " + shown(name) + " (" + field + ")");
}

business_reply search(storage::database& db, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto query = f.text("query", query_max);
  auto limit = f.integer("limit", 1, search_limit_max, search_limit_default);
  if (!query || !limit)
    return f.error();
  // Usernames are lower case; let "Ali" find "alice".
  std::transform(query->begin(), query->end(), query->begin(), [](unsigned char ch) {
    return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  });
  storage::user_store users(db);
  storage::contact_store contacts(db);
  auto out = json::array();
  for (auto& name : users.usernames_containing(*query, static_cast<std::size_t>(*limit)))
    out.push_back({{"username", name}, {"relation", to_string(contacts.between(c.user, name))}});
  return ok_reply({{"users", std::move(out)}});
}

business_reply friend_request(storage::database& db, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto to = f.username("to");
  if (!to)
    return f.error();
  if (*to == c.user)
    return fail_reply(business_error::invalid, c.op + ": to " + shown(*to)
                                                 + " is yourself; befriend someone else");
  if (!storage::user_store(db).exists(*to))
    return no_user("to", *to);
  storage::contact_store contacts(db);
  switch (contacts.between(c.user, *to)) {
    case relation::friends:
      return fail_reply(business_error::conflict, "you and " + shown(*to) + " are already friends");
    case relation::requested:
      return fail_reply(business_error::conflict,
                        "you already asked " + shown(*to) + "; wait for an answer");
    case relation::pending:   // they asked first: asking back is agreeing
      contacts.befriend(c.user, *to);
      return ok_reply({{"username", *to}, {"relation", "friend"}});
    default:
      contacts.request(c.user, *to);
      return ok_reply({{"username", *to}, {"relation", "requested"}});
  }
}

/// accept (true) or decline (false) the request from body.from to the caller.
business_reply answer(storage::database& db, const business_call& c, const json& body,
                      bool accept) {
  account_fields f(c, body);
  auto from = f.username("from");
  if (!from)
    return f.error();
  storage::contact_store contacts(db);
  if (!contacts.has_request(*from, c.user))
    return fail_reply(business_error::not_found, "no friend request from " + shown(*from));
  if (accept) {
    contacts.befriend(*from, c.user);
    return ok_reply({{"username", *from}, {"relation", "friend"}});
  }
  contacts.withdraw(*from, c.user);
  return ok_reply({{"username", *from}, {"relation", "none"}});
}

business_reply friend_accept(storage::database& db, const business_call& c, const json& body) {
  return answer(db, c, body, true);
}

business_reply friend_decline(storage::database& db, const business_call& c, const json& body) {
  return answer(db, c, body, false);
}

business_reply friends(storage::database& db, const business_call& c, const json&) {
  return ok_reply({{"friends", storage::contact_store(db).friends(c.user)}});
}

business_reply friend_requests(storage::database& db, const business_call& c, const json&) {
  storage::contact_store contacts(db);
  return ok_reply({{"incoming", contacts.incoming(c.user)},
                   {"outgoing", contacts.outgoing(c.user)}});
}

business_reply are_friends(storage::database& db, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto a = f.username("a");
  auto b = f.username("b");
  if (!a || !b)
    return f.error();
  storage::user_store users(db);
  if (!users.exists(*a))
    return no_user("a", *a);
  if (!users.exists(*b))
    return no_user("b", *b);
  return ok_reply({{"friends", storage::contact_store(db).are_friends(*a, *b)}});
}

business_reply friends_of(storage::database& db, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto name = f.username("username");
  if (!name)
    return f.error();
  if (!storage::user_store(db).exists(*name))
    return no_user("username", *name);
  return ok_reply({{"friends", storage::contact_store(db).friends(*name)}});
}

} // namespace

const std::vector<contacts_op>& contacts_ops() {
  static const std::vector<contacts_op> ops = {
    {"account.search", caller::signed_in, search},
    {"account.friend_request", caller::signed_in, friend_request},
    {"account.friend_accept", caller::signed_in, friend_accept},
    {"account.friend_decline", caller::signed_in, friend_decline},
    {"account.friends", caller::signed_in, friends},
    {"account.friend_requests", caller::signed_in, friend_requests},
    {"account.are_friends", caller::system, are_friends},
    {"account.friends_of", caller::system, friends_of},
  };
  return ops;
}

} // namespace petrade
