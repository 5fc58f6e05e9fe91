#include "gateway/auth.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

using json = nlohmann::json;

namespace {

void check_access(const std::shared_ptr<exchange>& ex, access needed, identity who,
                  const std::function<void(identity)>& then) {
  if (needed != access::anyone && who.user.empty())
    return ex->reply(business_error_response(ex->req, 401, "unauthenticated",
                                             "sign in first: this needs 'Authorization: Bearer <token>'"));
  if (needed == access::admin && who.role != "admin")
    return ex->reply(business_error_response(ex->req, 403, "forbidden", "this is for admins"));
  then(std::move(who));
}

} // namespace

void authorize(gateway_context& ctx, const std::shared_ptr<exchange>& ex, access needed,
               std::function<void(identity)> then) {
  auto header = ex->req[http::field::authorization];
  if (header.empty())
    return check_access(ex, needed, {}, then);
  const std::string scheme = "Bearer ";
  if (header.size() <= scheme.size() || std::string(header.substr(0, scheme.size())) != scheme)
    return ex->reply(business_error_response(ex->req, 401, "unauthenticated",
                                             "the Authorization header must be 'Bearer <token>'"));
  std::string token{header.substr(scheme.size())};
  // Tokens are hex; other bytes cannot name a session, and travel on to the
  // account actor inside JSON, whose writer throws on invalid UTF-8.
  for (char c : token)
    if (c < 0x21 || c > 0x7e)
      return ex->reply(business_error_response(ex->req, 401, "unauthenticated",
                                               "the bearer token must be printable ASCII"));
  business_call c;
  c.op = "account.session";
  c.role = "system";
  c.body = json{{"token", token}}.dump();
  c.request_id = ex->request_id;
  ctx.bridge.call(std::move(c), ctx.call_timeout,
                  [ex, needed, then, token](business_reply r) {
                    if (!r.ok())
                      return ex->reply(business_error_response(
                        ex->req, http_status(r.error), to_string(r.error),
                        r.error == business_error::unauthenticated ? r.message
                                                                   : "cannot check the session: " + r.message));
                    identity who;
                    try {
                      auto j = json::parse(r.body);
                      who.user = j.at("username").get<std::string>();
                      who.role = j.at("role").get<std::string>();
                    } catch (const std::exception&) {
                      return ex->reply(business_error_response(ex->req, 500, "internal",
                                                               "the account service answered nonsense"));
                    }
                    who.token = token;
                    check_access(ex, needed, std::move(who), then);
                  });
}

} // namespace petrade::gateway
