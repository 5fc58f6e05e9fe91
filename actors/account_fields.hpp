// Reading the arguments of account operations: each accessor checks one
// field and, on the first failure, keeps an `invalid` reply that names the
// field and the offending value (never a password's). Callers read all they
// need, then test the results:
//
//   account_fields f(call, body);
//   auto name = f.username("username");
//   auto pass = f.password("password");
//   if (!name || !pass) return f.error();
#pragma once

#include "protocol/business.hpp"
#include "protocol/eth/address.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade {

/// Who may call an operation. "system" callers (other actors) are trusted
/// with everything; admins with the admin operations.
enum class caller { anyone, signed_in, system, signed_in_or_system, admin };

/// The refusal for a call that `who` does not cover, or nothing: anonymous
/// callers of session-bound operations are unauthenticated, the others
/// forbidden.
std::optional<business_reply> refuse(caller who, const business_call& c);

/// Why `name` is not a valid username (3–32 characters of a-z, 0-9, '_', '.',
/// '-', starting with a letter), or "" when it is. `field` names it.
std::string username_problem(std::string_view field, std::string_view name);
/// Why `password` is unacceptable (8–128 characters), or "". Never quotes it.
std::string password_problem(std::string_view field, std::string_view password);
/// `value` as a JSON string, shortened, for messages.
std::string shown(std::string_view value);

class account_fields {
public:
  account_fields(const business_call& call, const nlohmann::json& body)
    : call_(call), body_(body) {}

  /// A required string.
  std::optional<std::string> text(const char* name);
  /// A required string of 1..max characters.
  std::optional<std::string> text(const char* name, std::size_t max);
  std::optional<std::string> username(const char* name);
  std::optional<std::string> password(const char* name);
  std::optional<eth::address> address(const char* name);
  /// An optional integer in [lo, hi]; `fallback` when absent.
  std::optional<std::int64_t> integer(const char* name, std::int64_t lo, std::int64_t hi,
                                      std::int64_t fallback);
  /// An optional array of strings with at most `max` entries; nothing when absent
  /// (check has() to tell absent from invalid).
  std::optional<std::vector<std::string>> strings(const char* name, std::size_t max);
  bool has(const char* name) const { return body_.contains(name); }

  bool failed() const { return !error_.empty(); }
  /// The first failure as an `invalid` reply.
  business_reply error() const;

private:
  const nlohmann::json* field(const char* name, bool required);
  void fail(std::string why);

  const business_call& call_;
  const nlohmann::json& body_;
  std::string error_;
};

} // namespace petrade
