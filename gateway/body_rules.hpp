// The shape each REST route accepts (docs/openapi.yaml): which fields, of
// which JSON type, which are required. Checked at the door so a malformed,
// mistyped or unknown field is a 400 naming it, before any actor runs; the
// business actors then check the values (lengths, ranges, balances).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace petrade::gateway {

enum class field_type {
  text,       // JSON string
  integer,    // JSON non-negative integer (query: decimal digits)
  amount,     // whole tokens: JSON integer >= 0 or a string of decimal digits
  keywords,   // JSON array of strings
  file,       // {name, content_base64}
  texts,      // JSON array of strings (names, usernames)
  matrix,     // JSON array of arrays of numbers (score sheets, judgments)
};

struct field_rule {
  std::string name;
  field_type type;
  bool required = false;
};

using field_rules = std::vector<field_rule>;

/// Checks a request body (empty text = {}); the reason it is refused, or
/// nothing. On success `out` is the parsed object.
std::optional<std::string> check_body(const std::string& text, const field_rules& rules,
                                      nlohmann::json& out);

/// Checks query parameters and adds them, typed, to `out`.
std::optional<std::string> check_query(const std::map<std::string, std::string>& params,
                                       const field_rules& rules, nlohmann::json& out);

/// Types one path or query value by `type` into `out[name]`.
std::optional<std::string> put_text_value(const std::string& name, const std::string& value,
                                          field_type type, nlohmann::json& out);

} // namespace petrade::gateway
