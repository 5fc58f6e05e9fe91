#include "protocol/business.hpp"
#include "protocol/task.hpp"
#include "protocol/zone_map.hpp"

namespace petrade {

const char* to_string(task_kind k) {
  switch (k) {
    case task_kind::read: return "read";
    case task_kind::deploy: return "deploy";
    case task_kind::account: return "account";
    case task_kind::contract: return "contract";
  }
  return "?";
}

const char* to_string(zone z) {
  switch (z) {
    case zone::I: return "I";
    case zone::II: return "II";
    case zone::III: return "III";
  }
  return "?";
}

} // namespace petrade

namespace petrade {

const char* to_string(business_error e) {
  switch (e) {
    case business_error::none: return "none";
    case business_error::invalid: return "invalid";
    case business_error::unauthenticated: return "unauthenticated";
    case business_error::forbidden: return "forbidden";
    case business_error::not_found: return "not_found";
    case business_error::conflict: return "conflict";
    case business_error::insufficient_funds: return "insufficient_funds";
    case business_error::busy: return "busy";
    case business_error::unavailable: return "unavailable";
    case business_error::chain: return "chain";
  }
  return "?";
}

int http_status(business_error e) {
  switch (e) {
    case business_error::none: return 200;
    case business_error::invalid: return 400;
    case business_error::unauthenticated: return 401;
    case business_error::forbidden: return 403;
    case business_error::not_found: return 404;
    case business_error::conflict: return 409;
    case business_error::insufficient_funds: return 402;
    case business_error::busy: return 503;
    case business_error::unavailable: return 503;
    case business_error::chain: return 502;
  }
  return 500;
}

} // namespace petrade
