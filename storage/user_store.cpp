#include "storage/user_store.hpp"

#include "storage/database.hpp"

#include <nlohmann/json.hpp>

namespace petrade::storage {

namespace {

using json = nlohmann::json;

constexpr std::string_view user_prefix = "user:";
constexpr std::string_view address_prefix = "address:";
constexpr std::string_view account_prefix = "account:";

std::string user_key(std::string_view username) {
  return std::string(user_prefix) + std::string(username);
}
std::string address_key(const eth::address& a) { return std::string(address_prefix) + a.hex(); }
std::string account_key(const eth::address& a) { return std::string(account_prefix) + a.hex(); }

/// A record that does not parse means the database was written by something
/// else; say which key, never guess.
[[noreturn]] void corrupt(std::string_view key, const std::exception& e) {
  throw storage_error("storage: unreadable record " + std::string(key) + ": " + e.what());
}

user_record user_of(std::string_view key, std::string_view text) {
  try {
    auto j = json::parse(text);
    user_record u;
    u.username = j.at("username").get<std::string>();
    u.address = eth::address::parse(j.at("address").get<std::string>());
    u.role = j.at("role").get<std::string>();
    u.password_hash = j.at("password").get<std::string>();
    u.created = j.at("created").get<std::int64_t>();
    return u;
  } catch (const std::exception& e) {
    corrupt(key, e);
  }
}

std::string text_of(const user_record& u) {
  return json{{"username", u.username},
              {"address", u.address.checksummed()},
              {"role", u.role},
              {"password", u.password_hash},
              {"created", u.created}}
    .dump();
}

account_entry account_of(std::string_view key, std::string_view text) {
  try {
    auto j = json::parse(text);
    account_entry a;
    a.address = eth::address::parse(key.substr(account_prefix.size()));
    if (j.contains("owner") && !j["owner"].is_null())
      a.owner = j["owner"].get<std::string>();
    a.created = j.at("created").get<std::int64_t>();
    return a;
  } catch (const std::exception& e) {
    corrupt(key, e);
  }
}

std::string text_of(const account_entry& a) {
  return json{{"owner", a.owner ? json(*a.owner) : json(nullptr)}, {"created", a.created}}
    .dump();
}

} // namespace

std::optional<user_record> user_store::find(std::string_view username) const {
  auto key = user_key(username);
  auto text = db_.get(column::users, key);
  if (!text)
    return std::nullopt;
  return user_of(key, *text);
}

std::optional<user_record> user_store::find_by_address(const eth::address& account) const {
  auto name = db_.get(column::users, address_key(account));
  if (!name)
    return std::nullopt;
  return find(*name);
}

bool user_store::exists(std::string_view username) const {
  return db_.contains(column::users, user_key(username));
}

bool user_store::create(const user_record& user) {
  if (exists(user.username) || db_.contains(column::users, address_key(user.address)))
    return false;
  batch b;
  b.put(column::users, user_key(user.username), text_of(user));
  b.put(column::users, address_key(user.address), user.username);
  b.put(column::read_models, account_key(user.address),
        text_of(account_entry{user.address, user.username, user.created}));
  db_.write(b, durability::sync);
  return true;
}

std::vector<std::string> user_store::usernames_containing(std::string_view part,
                                                          std::size_t limit) const {
  std::vector<std::string> out;
  if (limit == 0)
    return out;
  db_.for_each(column::users, user_prefix, [&](std::string_view key, std::string_view) {
    auto name = key.substr(user_prefix.size());
    if (name.find(part) != std::string_view::npos)
      out.emplace_back(name);
    return out.size() < limit;
  });
  return out;
}

void user_store::open_session(std::string_view digest, const session_record& s) {
  db_.put(column::sessions, digest,
          json{{"user", s.username}, {"expires_ms", s.expires_ms}}.dump(), durability::sync);
}

std::optional<session_record> user_store::session(std::string_view digest) const {
  auto text = db_.get(column::sessions, digest);
  if (!text)
    return std::nullopt;
  try {
    auto j = json::parse(*text);
    return session_record{j.at("user").get<std::string>(), j.at("expires_ms").get<std::int64_t>()};
  } catch (const std::exception& e) {
    corrupt("session", e);   // the key is a token digest: not worth printing
  }
}

void user_store::close_session(std::string_view digest) {
  db_.erase(column::sessions, digest, durability::sync);
}

void user_store::add_account(const account_entry& a) {
  db_.put(column::read_models, account_key(a.address), text_of(a), durability::sync);
}

std::optional<account_entry> user_store::account(const eth::address& a) const {
  auto key = account_key(a);
  auto text = db_.get(column::read_models, key);
  if (!text)
    return std::nullopt;
  return account_of(key, *text);
}

std::vector<account_entry> user_store::accounts() const {
  std::vector<account_entry> out;
  db_.for_each(column::read_models, account_prefix, [&](std::string_view key, std::string_view v) {
    out.push_back(account_of(key, v));
    return true;
  });
  return out;
}

} // namespace petrade::storage
