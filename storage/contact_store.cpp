#include "storage/contact_store.hpp"

#include "storage/database.hpp"

namespace petrade::storage {

namespace {

std::string key(std::string_view kind, std::string_view a, std::string_view b) {
  std::string k(kind);
  k += ':';
  k += a;
  k += ':';
  k += b;
  return k;
}

std::string friend_key(std::string_view a, std::string_view b) { return key("friend", a, b); }
std::string asked_key(std::string_view from, std::string_view to) { return key("asked", from, to); }
std::string asked_by_key(std::string_view from, std::string_view to) {
  return key("asked_by", to, from);
}

} // namespace

const char* to_string(relation r) {
  switch (r) {
    case relation::self: return "self";
    case relation::friends: return "friend";
    case relation::requested: return "requested";
    case relation::pending: return "pending";
    case relation::none: return "none";
  }
  return "?";
}

relation contact_store::between(std::string_view me, std::string_view other) const {
  if (me == other)
    return relation::self;
  if (are_friends(me, other))
    return relation::friends;
  if (has_request(me, other))
    return relation::requested;
  if (has_request(other, me))
    return relation::pending;
  return relation::none;
}

bool contact_store::are_friends(std::string_view a, std::string_view b) const {
  return db_.contains(column::read_models, friend_key(a, b));
}

bool contact_store::has_request(std::string_view from, std::string_view to) const {
  return db_.contains(column::read_models, asked_key(from, to));
}

void contact_store::request(std::string_view from, std::string_view to) {
  batch b;
  b.put(column::read_models, asked_key(from, to), "");
  b.put(column::read_models, asked_by_key(from, to), "");
  db_.write(b, durability::sync);
}

void contact_store::befriend(std::string_view a, std::string_view b) {
  batch w;
  w.put(column::read_models, friend_key(a, b), "");
  w.put(column::read_models, friend_key(b, a), "");
  for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    w.erase(column::read_models, asked_key(from, to));
    w.erase(column::read_models, asked_by_key(from, to));
  }
  db_.write(w, durability::sync);
}

bool contact_store::withdraw(std::string_view from, std::string_view to) {
  if (!has_request(from, to))
    return false;
  batch b;
  b.erase(column::read_models, asked_key(from, to));
  b.erase(column::read_models, asked_by_key(from, to));
  db_.write(b, durability::sync);
  return true;
}

std::vector<std::string> contact_store::names_under(const std::string& prefix) const {
  std::vector<std::string> out;
  db_.for_each(column::read_models, prefix, [&](std::string_view k, std::string_view) {
    out.emplace_back(k.substr(prefix.size()));
    return true;
  });
  return out;
}

std::vector<std::string> contact_store::friends(std::string_view user) const {
  return names_under("friend:" + std::string(user) + ":");
}

std::vector<std::string> contact_store::incoming(std::string_view user) const {
  return names_under("asked_by:" + std::string(user) + ":");
}

std::vector<std::string> contact_store::outgoing(std::string_view user) const {
  return names_under("asked:" + std::string(user) + ":");
}

} // namespace petrade::storage
