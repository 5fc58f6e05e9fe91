// What callers (the gateway, tests, other processes) ask of the business
// actors and what they answer (design §2, §6). One envelope for every
// operation keeps the process boundary and the gateway's mapping uniform:
// the operation names the service ("project.buy" goes to the project actor)
// and its arguments and answer travel as JSON text.
#pragma once

#include <cstdint>
#include <string>

namespace petrade {

/// Why an operation was refused; the gateway maps each to one HTTP status.
enum class business_error : std::uint8_t {
  none,
  invalid,            // 400: bad input (the message names the field and value)
  unauthenticated,    // 401: no or expired session, wrong password
  forbidden,          // 403: the caller may not do this
  not_found,          // 404
  conflict,           // 409: taken name, bought twice, answered twice, ...
  insufficient_funds, // 402: balance too low for the price or the bounty
  busy,               // 503: the platform sheds load; retry later
  unavailable,        // 503: the actor or its worker process is down
  chain,              // 502: the chain refused or a node failed
};

const char* to_string(business_error e);
/// The HTTP status the gateway answers for `e` (200 for none).
int http_status(business_error e);

struct business_call {
  std::string op;          // "<service>.<operation>", e.g. "project.publish"
  std::string user;        // the authenticated user's name; empty = anonymous
  std::string role;        // "user" or "admin"; empty = anonymous
  std::string body = "{}"; // the arguments, a JSON object
  std::string request_id;  // follows the call through the logs
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_call& x) {
  return f(x.op, x.user, x.role, x.body, x.request_id);
}

struct business_reply {
  business_error error = business_error::none;
  std::string message;       // what went wrong, for a person to read
  std::string body = "null"; // the answer, JSON

  bool ok() const { return error == business_error::none; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_reply& x) {
  return f(x.error, x.message, x.body);
}

/// The service part of an operation name ("project" for "project.buy").
inline std::string service_of(const std::string& op) {
  auto dot = op.find('.');
  return dot == std::string::npos ? op : op.substr(0, dot);
}

} // namespace petrade
