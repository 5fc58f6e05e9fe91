// Small pieces every business actor uses to read a call and shape a reply.
#pragma once

#include "protocol/business.hpp"
#include "protocol/eth/uint256.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <vector>
#include <string>

namespace petrade {

inline business_reply ok_reply(const nlohmann::json& body) {
  business_reply r;
  r.body = body.dump();
  return r;
}

inline business_reply fail_reply(business_error e, std::string message) {
  business_reply r;
  r.error = e;
  r.message = std::move(message);
  return r;
}

/// The call's body as a JSON object; on failure `err` says why (invalid).
inline std::optional<nlohmann::json> parse_body(const business_call& c, business_reply& err) {
  try {
    auto j = nlohmann::json::parse(c.body.empty() ? std::string("{}") : c.body);
    if (j.is_object())
      return j;
    err = fail_reply(business_error::invalid, "the body of " + c.op + " must be a JSON object");
  } catch (const std::exception& e) {
    err = fail_reply(business_error::invalid, "the body of " + c.op + " is not JSON: " + e.what());
  }
  return std::nullopt;
}

/// Callers that act for someone must have a session (the gateway fills user
/// and role from it); internal callers (other actors) use role "system".
inline bool is_admin(const business_call& c) { return c.role == "admin" || c.role == "system"; }
inline bool is_system(const business_call& c) { return c.role == "system"; }
inline bool is_signed_in(const business_call& c) { return !c.user.empty(); }

/// A whole number of tokens in `body[field]` (a JSON number or a decimal
/// string), 1 ≤ n ≤ `max`; on failure `err` names the field and the value.
inline std::optional<eth::uint256> parse_amount(const nlohmann::json& body, const std::string& field,
                                                business_reply& err,
                                                const eth::uint256& max = eth::uint256(1'000'000'000'000ULL)) {
  auto it = body.find(field);
  if (it == body.end()) {
    err = fail_reply(business_error::invalid, "'" + field + "' is required");
    return std::nullopt;
  }
  std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  bool digits = !text.empty() && text.size() <= 40 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    auto v = eth::parse_uint256(text);
    if (v >= 1 && v <= max)
      return v;
  }
  err = fail_reply(business_error::invalid, "'" + field + "' must be a whole number from 1 to " +
                                              eth::to_decimal(max) + ", not " + text);
  return std::nullopt;
}

/// A required string field of 1..max_len characters.
inline std::optional<std::string> parse_text(const nlohmann::json& body, const std::string& field,
                                             business_reply& err, std::size_t min_len = 1,
                                             std::size_t max_len = 256) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string()) {
    err = fail_reply(business_error::invalid, "'" + field + "' is required (a string)");
    return std::nullopt;
  }
  auto s = it->get<std::string>();
  // Lengths count characters as a person sees them: UTF-8 lead bytes.
  std::size_t chars = 0;
  for (unsigned char ch : s)
    chars += (ch & 0xC0) != 0x80;
  if (chars < min_len || chars > max_len) {
    err = fail_reply(business_error::invalid, "'" + field + "' must be " + std::to_string(min_len) +
                                                "-" + std::to_string(max_len) + " characters, not " +
                                                std::to_string(chars));
    return std::nullopt;
  }
  return s;
}

/// `body[field]`: 1..10 keywords of 1..32 characters each, lower-cased,
/// without duplicates, sorted (so equal sets hash equally on chain).
inline std::optional<std::vector<std::string>> parse_keywords(const nlohmann::json& body,
                                                              const std::string& field,
                                                              business_reply& err) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > 10) {
    err = fail_reply(business_error::invalid, "'" + field + "' must be a list of 1 to 10 keywords");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (auto& k : *it) {
    if (!k.is_string() || k.get<std::string>().empty() || k.get<std::string>().size() > 32) {
      err = fail_reply(business_error::invalid, "keyword " + k.dump() + " must be 1-32 characters");
      return std::nullopt;
    }
    auto s = k.get<std::string>();
    for (auto& ch : s)
      if (ch >= 'A' && ch <= 'Z')
        ch = static_cast<char>(ch - 'A' + 'a');
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// Case-insensitive substring test for search.
inline bool contains_text(std::string hay, std::string needle) {
  auto lower = [](std::string& s) {
    for (auto& ch : s)
      if (ch >= 'A' && ch <= 'Z')
        ch = static_cast<char>(ch - 'A' + 'a');
  };
  lower(hay);
  lower(needle);
  return hay.find(needle) != std::string::npos;
}

/// The client's idempotency key scoped to the user, so keys of different
/// users never meet; empty when the client gave none.
inline std::string user_key(const business_call& c, const nlohmann::json& body) {
  auto key = body.value("idempotency_key", std::string());
  return key.empty() ? key : c.user + ":" + key;
}

/// Search and paging of a listing: {query?, keyword?, limit?, offset?}.
struct listing {
  std::string query, keyword;
  std::size_t limit = 50, offset = 0, matched = 0;
  nlohmann::json items = nlohmann::json::array();

  explicit listing(const nlohmann::json& body)
    : query(body.value("query", std::string())), keyword(body.value("keyword", std::string())),
      limit(std::min<std::size_t>(body.value("limit", std::size_t{50}), 200)),
      offset(body.value("offset", std::size_t{0})) {}

  /// Whether `doc` matches the query (in `text`) and the keyword.
  bool matches(const nlohmann::json& doc, const std::string& text) const {
    if (!query.empty() && !contains_text(text, query))
      return false;
    if (keyword.empty())
      return true;
    auto kws = doc.value("keywords", nlohmann::json::array());
    return std::find(kws.begin(), kws.end(), nlohmann::json(keyword)) != kws.end();
  }

  /// Counts a match and keeps it when it falls in the page.
  void offer(nlohmann::json item) {
    if (matched++ >= offset && items.size() < limit)
      items.push_back(std::move(item));
  }
};

} // namespace petrade
