#include "gateway/body_rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace petrade::gateway {

using json = nlohmann::json;

namespace {

std::string names_of(const field_rules& rules) {
  std::string out;
  for (auto& r : rules)
    out += (out.empty() ? "" : ", ") + r.name;
  return out.empty() ? "none" : out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The JSON writer's own test: values end up in the JSON sent to the actors.
bool is_utf8(const std::string& s) {
  try {
    (void)json(s).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

std::string shown(const json& v) {
  auto s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? s.substr(0, 60) + "..." : s;
}

std::optional<std::string> check_type(const field_rule& r, const json& v) {
  auto wrong = [&](const char* expected) {
    return "'" + r.name + "' must be " + expected + ", not " + shown(v);
  };
  switch (r.type) {
  case field_type::text:
    if (!v.is_string())
      return wrong("a string");
    break;
  case field_type::integer:
    if (!v.is_number_unsigned())
      return wrong("a non-negative integer");
    break;
  case field_type::amount:
    if (v.is_number_unsigned())
      break;
    if (v.is_string() && all_digits(v.get<std::string>()))
      break;
    return wrong("a whole number of tokens (an integer >= 0 or a string of digits)");
  case field_type::keywords:
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& k) { return k.is_string(); }))
      return wrong("an array of strings");
    break;
  case field_type::texts:
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& k) { return k.is_string(); }))
      return wrong("an array of strings");
    break;
  case field_type::matrix: {
    // Only the JSON shape: sizes and ranges are the business rules' to check.
    auto row_ok = [](const json& row) {
      return row.is_array() && std::all_of(row.begin(), row.end(), [](const json& x) { return x.is_number(); });
    };
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), row_ok))
      return wrong("an array of arrays of numbers");
    break;
  }
  case field_type::file: {
    if (!v.is_object())
      return wrong("an object {name, content_base64}");
    for (auto& [k, x] : v.items()) {
      if (k != "name" && k != "content_base64")
        return "unknown field '" + r.name + "." + k + "' (accepted: name, content_base64)";
      if (!x.is_string())
        return "'" + r.name + "." + k + "' must be a string, not " + shown(x);
    }
    if (!v.contains("name") || !v.contains("content_base64"))
      return "'" + r.name + "' needs both name and content_base64";
    break;
  }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> check_body(const std::string& text, const field_rules& rules, json& out) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    out = json::object();
  } else {
    try {
      out = json::parse(text);
    } catch (const json::parse_error& e) {
      // Where, not what: the parser's "last read" would echo the body, and
      // a malformed login body would hand its password back in the error.
      return "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")";
    } catch (const json::exception&) {
      return std::string("the body is not valid JSON");
    }
  }
  if (!out.is_object())
    return "the body must be a JSON object, not " + shown(out);
  for (auto& [k, v] : out.items()) {
    // An init-capture: clang 14 (the sanitizer build) cannot capture a structured binding.
    auto rule = std::find_if(rules.begin(), rules.end(), [&key = k](auto& r) { return r.name == key; });
    if (rule == rules.end())
      return "unknown field '" + k + "' (accepted: " + names_of(rules) + ")";
    if (auto why = check_type(*rule, v))
      return why;
  }
  for (auto& r : rules)
    if (r.required && !out.contains(r.name))
      return "missing field '" + r.name + "'";
  return std::nullopt;
}

std::optional<std::string> put_text_value(const std::string& name, const std::string& value,
                                          field_type type, json& out) {
  // Percent-decoding yields any bytes; a JSON body was checked by its parser.
  if (!is_utf8(value))
    return "'" + name + "' must be UTF-8 text";
  if (type == field_type::integer) {
    if (!all_digits(value) || value.size() > 18)
      return "'" + name + "' must be a non-negative integer, not '" + value.substr(0, 40) + "'";
    out[name] = std::stoull(value);
  } else if (type == field_type::amount && !all_digits(value)) {
    // The same rule as the string form of an amount in a body.
    return "'" + name + "' must be a whole number of tokens (decimal digits), not '"
           + value.substr(0, 40) + "'";
  } else {
    out[name] = value;
  }
  return std::nullopt;
}

std::optional<std::string> check_query(const std::map<std::string, std::string>& params,
                                       const field_rules& rules, json& out) {
  for (auto& [k, v] : params) {
    // An init-capture: clang 14 (the sanitizer build) cannot capture a structured binding.
    auto rule = std::find_if(rules.begin(), rules.end(), [&key = k](auto& r) { return r.name == key; });
    if (rule == rules.end())
      return "unknown query parameter '" + k + "' (accepted: " + names_of(rules) + ")";
    if (auto why = put_text_value(k, v, rule->type, out))
      return why;
  }
  for (auto& r : rules)
    if (r.required && !out.contains(r.name))
      return "missing query parameter '" + r.name + "'";
  return std::nullopt;
}

} // namespace petrade::gateway
