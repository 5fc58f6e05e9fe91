#include "gateway/auth.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

using json = nlohmann::json;

void task_owners::remember(std::uint64_t task, const std::string& user) {
  std::lock_guard lock{mutex_};
  if (owners_.emplace(task, user).second)
    order_.push_back(task);
  while (order_.size() > capacity_) {
    owners_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<std::string> task_owners::owner(std::uint64_t task) const {
  std::lock_guard lock{mutex_};
  auto it = owners_.find(task);
  if (it == owners_.end())
    return std::nullopt;
  return it->second;
}

response business_error_response(const request& req, int status, const std::string& code,
                                  const std::string& message) {
  auto r = error_response(req, static_cast<http::status>(status), code, message);
  if (status == 503)
    r.set(http::field::retry_after, "1");
  if (status == 401)
    r.set(http::field::www_authenticate, "Bearer");
  return r;
}

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
