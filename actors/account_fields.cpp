#include "actors/account_fields.hpp"

#include "actors/business_kit.hpp"

namespace petrade {

namespace {

using json = nlohmann::json;

constexpr std::size_t username_min = 3;
constexpr std::size_t username_max = 32;
constexpr std::size_t password_min = 8;
constexpr std::size_t password_max = 128;
constexpr std::size_t shown_max = 40;

/// Code points, not bytes: a password of accented letters is as long as it
/// looks. The parser has already rejected invalid UTF-8.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string type_name(const json& j) {
  return j.is_null() ? "null" : j.type_name();
}

} // namespace

std::optional<business_reply> refuse(caller who, const business_call& c) {
  switch (who) {
    case caller::anyone:
      return std::nullopt;
    case caller::signed_in:
      if (is_signed_in(c))
        return std::nullopt;
      return fail_reply(business_error::unauthenticated, c.op + " needs a signed-in user");
    case caller::signed_in_or_system:
      if (is_signed_in(c) || is_system(c))
        return std::nullopt;
      return fail_reply(business_error::unauthenticated, c.op + " needs a signed-in user");
    case caller::system:
      if (is_system(c))
        return std::nullopt;
      return fail_reply(business_error::forbidden,
                        c.op + " is for the platform's own services (role system)");
    case caller::admin:
      if (is_admin(c))
        return std::nullopt;
      if (!is_signed_in(c))
        return fail_reply(business_error::unauthenticated, c.op + " needs a signed-in admin");
      return fail_reply(business_error::forbidden,
                        c.op + " is for admins; " + shown(c.user) + " has role " + shown(c.role));
  }
  return fail_reply(business_error::forbidden, c.op + " is not allowed");
}

std::string shown(std::string_view value) {
  std::string cut(value.substr(0, shown_max));
  auto text = json(cut).dump(-1, ' ', false, json::error_handler_t::replace);
  if (value.size() > shown_max)
    text.insert(text.size() - 1, "...");
  return text;
}

std::string username_problem(std::string_view field, std::string_view name) {
  auto f = std::string(field);
  if (name.size() < username_min || name.size() > username_max)
    return f + " " + shown(name) + " must be 3 to 32 characters long";
  if (name[0] < 'a' || name[0] > 'z')
    return f + " " + shown(name) + " must start with a letter a-z";
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
              || c == '-';
    if (!ok)
      return f + " " + shown(name) + " has " + shown(name.substr(i, 1)) + " at position "
             + std::to_string(i + 1) + ": only a-z, 0-9, '_', '.' and '-' are allowed";
  }
  return {};
}

std::string password_problem(std::string_view field, std::string_view password) {
  auto n = characters(password);
  if (n < password_min || n > password_max)
    return std::string(field) + " must be 8 to 128 characters long";
  return {};
}

const json* account_fields::field(const char* name, bool required) {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) {
    if (required)
      fail(std::string(name) + " is required");
    return nullptr;
  }
  return &*it;
}

void account_fields::fail(std::string why) {
  if (error_.empty())
    error_ = call_.op + ": " + why;
}

business_reply account_fields::error() const {
  return fail_reply(business_error::invalid, error_);
}

std::optional<std::string> account_fields::text(const char* name) {
  auto* j = field(name, true);
  if (!j)
    return std::nullopt;
  if (!j->is_string()) {
    fail(std::string(name) + " must be a string, not " + type_name(*j));
    return std::nullopt;
  }
  return j->get<std::string>();
}

std::optional<std::string> account_fields::text(const char* name, std::size_t max) {
  auto s = text(name);
  if (s && (s->empty() || characters(*s) > max)) {
    fail(std::string(name) + " " + shown(*s) + " must be 1 to " + std::to_string(max)
         + " characters long");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> account_fields::username(const char* name) {
  auto s = text(name);
  if (!s)
    return std::nullopt;
  if (auto why = username_problem(name, *s); !why.empty()) {
    fail(why);
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> account_fields::password(const char* name) {
  auto* j = field(name, true);
  if (!j)
    return std::nullopt;
  if (!j->is_string()) {
    fail(std::string(name) + " must be a string");   // not even its type's value
    return std::nullopt;
  }
  auto s = j->get<std::string>();
  if (auto why = password_problem(name, s); !why.empty()) {
    fail(why);
    return std::nullopt;
  }
  return s;
}

std::optional<eth::address> account_fields::address(const char* name) {
  auto s = text(name);
  if (!s)
    return std::nullopt;
  try {
    return eth::address::parse(*s);
  } catch (const std::exception& e) {
    fail(std::string(name) + " " + shown(*s) + " is not an address (" + e.what() + ")");
    return std::nullopt;
  }
}

std::optional<std::int64_t> account_fields::integer(const char* name, std::int64_t lo,
                                                    std::int64_t hi, std::int64_t fallback) {
  auto* j = field(name, false);
  if (!j)
    return fallback;
  if (!j->is_number_integer()) {
    fail(std::string(name) + " must be an integer, not " + j->dump());
    return std::nullopt;
  }
  auto v = j->get<std::int64_t>();
  if (j->is_number_unsigned() && j->get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
    v = hi + 1;   // beyond int64: out of range all the same
  if (v < lo || v > hi) {
    fail(std::string(name) + " must be between " + std::to_string(lo) + " and "
         + std::to_string(hi) + ", got " + j->dump());
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::string>> account_fields::strings(const char* name,
                                                                std::size_t max) {
  auto* j = field(name, false);
  if (!j)
    return std::nullopt;
  if (!j->is_array()) {
    fail(std::string(name) + " must be an array of strings, not " + type_name(*j));
    return std::nullopt;
  }
  if (j->size() > max) {
    fail(std::string(name) + " may hold at most " + std::to_string(max) + " entries, got "
         + std::to_string(j->size()));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j->size(); ++i) {
    const auto& e = (*j)[i];
    if (!e.is_string()) {
      fail(std::string(name) + "[" + std::to_string(i) + "] must be a string, not "
           + type_name(e));
      return std::nullopt;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

} // namespace petrade
