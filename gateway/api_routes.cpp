#include "gateway/api_routes.hpp"

#include "gateway/auth.hpp"
#include "gateway/body_rules.hpp"
#include "protocol/eth/address.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

using json = nlohmann::json;

namespace {

using ft = field_type;

} // namespace

const std::vector<api_route>& api_route_table() {
  static const field_rules listing{{"query", ft::text}, {"keyword", ft::text},
                                   {"limit", ft::integer}, {"offset", ft::integer}};
  auto with = [](field_rules base, field_rules more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  static const std::vector<api_route> routes{
    {"POST", "/api/auth/register", "account.register", access::anyone, false,
     {{"username", ft::text, true}, {"password", ft::text, true}}, http::status::created},
    {"POST", "/api/auth/login", "account.login", access::anyone, false,
     {{"username", ft::text, true}, {"password", ft::text, true}}},
    {"POST", "/api/auth/logout", "account.logout", access::user},
    {"GET", "/api/me", "account.me", access::user},
    {"GET", "/api/users", "account.search", access::user, false,
     {{"query", ft::text}, {"limit", ft::integer}}},
    {"GET", "/api/contacts", "account.friends", access::user},
    {"GET", "/api/contacts/requests", "account.friend_requests", access::user},
    {"POST", "/api/contacts/requests", "account.friend_request", access::user, false,
     {{"to", ft::text, true}}},
    {"POST", "/api/contacts/requests/{from}/accept", "account.friend_accept", access::user},
    {"POST", "/api/contacts/requests/{from}/decline", "account.friend_decline", access::user},
    {"GET", "/api/token/balance", "token.balance", access::user},
    {"GET", "/api/token/bill", "token.bill", access::user},
    {"POST", "/api/token/topup", "token.topup", access::user, true, {{"amount", ft::amount, true}}},
    {"POST", "/api/token/transfer", "token.transfer", access::user, true,
     {{"to", ft::text, true}, {"amount", ft::amount, true}}},
    {"POST", "/api/token/burn", "token.burn", access::user, true, {{"amount", ft::amount, true}}},
    {"GET", "/api/projects", "project.list", access::anyone, false, with(listing, {{"seller", ft::text}})},
    {"POST", "/api/projects", "project.publish", access::user, true,
     {{"title", ft::text, true}, {"summary", ft::text, true}, {"price", ft::amount, true},
      {"keywords", ft::keywords, true}, {"visibility", ft::text}, {"file", ft::file, true}}},
    {"GET", "/api/projects/mine", "project.mine", access::user},
    {"GET", "/api/projects/{id}", "project.get", access::anyone},
    {"POST", "/api/projects/{id}/buy", "project.buy", access::user, true},
    {"GET", "/api/projects/{id}/file", "project.download", access::user},
    {"POST", "/api/projects/{id}/delist", "project.delist", access::user, true},
    {"GET", "/api/demands", "demand.list", access::anyone, false,
     with(listing, {{"state", ft::text}, {"owner", ft::text}})},
    {"POST", "/api/demands", "demand.publish", access::user, true,
     {{"description", ft::text, true}, {"details", ft::text, true}, {"keywords", ft::keywords, true},
      {"bounty", ft::amount, true}, {"expires_in", ft::integer}, {"expiry", ft::integer}}},
    {"GET", "/api/demands/mine", "demand.mine", access::user},
    {"GET", "/api/demands/{id}", "demand.get", access::anyone},
    {"POST", "/api/demands/{id}/answers", "demand.answer", access::user, true, {{"text", ft::text, true}}},
    {"POST", "/api/demands/{id}/award", "demand.award", access::user, true, {{"index", ft::integer, true}}},
    {"GET", "/api/chain/head", "chain.block_number", access::anyone},
    {"GET", "/api/chain/gas_price", "chain.gas_price", access::anyone},
    {"GET", "/api/chain/blocks/{ref}", "chain.block", access::anyone},
    {"GET", "/api/chain/transactions/{hash}", "chain.transaction", access::anyone},
    {"GET", "/api/chain/receipts/{hash}", "chain.receipt", access::anyone},
    {"GET", "/api/chain/balances/{address}", "chain.balance", access::anyone},
    {"GET", "/api/indexer", "indexer.status", access::anyone},
    {"GET", "/api/admin/accounts", "account.list", access::admin},
    {"POST", "/api/admin/accounts", "account.create", access::admin, false,
     {{"password", ft::text, true}}, http::status::created},
    {"POST", "/api/admin/accounts/{address}/unlock", "account.unlock", access::admin, false,
     {{"password", ft::text, true}}},
    {"GET", "/api/admin/token", "token.status", access::admin},
    {"POST", "/api/admin/token/mint", "token.mint", access::admin, true,
     {{"username", ft::text, true}, {"amount", ft::amount, true}}},
    {"POST", "/api/admin/token/pause", "token.pause", access::admin, true},
    {"POST", "/api/admin/token/unpause", "token.unpause", access::admin, true},
    {"POST", "/api/admin/token/freeze", "token.freeze", access::admin, true, {{"username", ft::text, true}}},
    {"POST", "/api/admin/token/unfreeze", "token.unfreeze", access::admin, true,
     {{"username", ft::text, true}}},
    {"POST", "/api/admin/token/forced_transfer", "token.forced_transfer", access::admin, true,
     {{"from", ft::text, true}, {"to", ft::text, true}, {"amount", ft::amount, true}}},
    {"GET", "/api/admin/refunds", "demand.refunds", access::admin},
    {"GET", "/api/evaluations", "evaluation.list", access::user},
    {"GET", "/api/evaluations/subjects", "evaluation.subjects", access::user},
    {"GET", "/api/evaluations/{round}", "evaluation.get", access::user},
    {"GET", "/api/evaluations/{round}/raters/{address}", "evaluation.verify", access::user},
    {"POST", "/api/evaluations/{round}/scores", "evaluation.rate", access::user, true,
     {{"scores", ft::matrix, true}}},
    {"POST", "/api/admin/evaluations", "evaluation.open", access::admin, true,
     {{"subjects", ft::texts, true}, {"dimensions", ft::texts}, {"closes_in_s", ft::integer, true},
      {"raters", ft::texts, true}, {"judgment", ft::matrix}}},
    {"POST", "/api/admin/evaluations/{round}/close", "evaluation.close", access::admin, true},
    {"POST", "/api/admin/chain/deploy", "chain.deploy", access::admin, true, {{"bytecode", ft::text, true}}},
  };
  return routes;
}

namespace {

response bad_request(const request& req, const std::string& why) {
  return error_response(req, http::status::bad_request, "bad_request", why);
}

/// Path captures into the call's body: ids and rounds are integers, a block reference
/// is a number or a hash, addresses must carry a valid EIP-55 checksum.
std::optional<std::string> put_path(const path_params& params, json& body) {
  for (auto& [name, value] : params) {
    if (name == "id" || name == "round") {
      if (auto why = put_text_value(name, value, ft::integer, body))
        return why;
    } else if (name == "ref") {
      if (value.rfind("0x", 0) == 0) {
        if (auto why = put_text_value("hash", value, ft::text, body))
          return why;
      } else if (auto why = put_text_value("number", value, ft::integer, body))
        return "a block is a number or a 0x hash, not '" + value.substr(0, 80) + "'";
    } else if (name == "address") {
      try {
        body[name] = eth::address::parse(value).checksummed();
      } catch (const std::exception& e) {
        return "'" + value.substr(0, 80) + "' is not a valid address: " + e.what();
      }
    } else if (auto why = put_text_value(name, value, ft::text, body)) {
      return why;
    }
  }
  return std::nullopt;
}

std::optional<std::string> put_idempotency_key(const request& req, json& body) {
  auto key = req["Idempotency-Key"];
  if (key.empty())
    return std::nullopt;
  if (key.size() > 128)
    return "the Idempotency-Key header is longer than 128 characters";
  for (char c : key)
    if (c < 0x21 || c > 0x7e)
      return "the Idempotency-Key header must be printable ASCII without spaces";
  body["idempotency_key"] = std::string(key);
  return std::nullopt;
}

/// A new user's enrollment (gas grant, whitelisting) is theirs to follow:
/// their first top-up is refused until it is mined.
std::vector<std::uint64_t> enrollment_tasks(const std::string& reply) {
  std::vector<std::uint64_t> out;
  auto j = json::parse(reply, nullptr, false);
  if (!j.is_object() || !j.contains("enrollment") || !j["enrollment"].is_object())
    return out;
  auto tasks = j["enrollment"].value("tasks", json::array());
  for (auto& t : tasks)
    if (t.is_object() && t.contains("task") && t["task"].is_number_unsigned())
      out.push_back(t["task"].get<std::uint64_t>());
  return out;
}

void run(const std::shared_ptr<gateway_context>& ctx, const api_route& route,
         const std::shared_ptr<exchange>& ex, const path_params& params, identity who) {
  json body = json::object();
  std::optional<std::string> why;
  if (ex->req.method() == http::verb::post)
    why = check_body(ex->req.body(), route.fields, body);
  else
    why = check_query(query_params(std::string(ex->req.target())), route.fields, body);
  if (!why)
    why = put_path(params, body);
  if (!why && route.write)
    why = put_idempotency_key(ex->req, body);
  if (why)
    return ex->reply(bad_request(ex->req, *why));
  if (std::string_view(route.op) == "account.logout")   // the session to end is the caller's own
    body["token"] = who.token;
  business_call c{route.op, who.user, who.role, body.dump(), ex->request_id};
  ctx->bridge.call(std::move(c), ctx->call_timeout, [ctx, ex, &route, user = who.user](business_reply r) {
    if (!r.ok())
      return ex->reply(business_error_response(ex->req, http_status(r.error), to_string(r.error), r.message));
    if (std::string_view(route.op) == "account.register") {
      auto user = json::parse(r.body, nullptr, false).value("username", std::string());
      return record_owners(ctx, enrollment_tasks(r.body), user, ex->request_id,
                           [ex, &route, body = r.body] { ex->reply(json_response(ex->req, route.ok, body)); });
    }
    if (!route.write)
      return ex->reply(json_response(ex->req, route.ok, r.body));
    // The owner is journalled before the client hears of the task: whoever
    // was told a task id can follow it, after a restart too.
    auto task = json::parse(r.body, nullptr, false).value("task", std::uint64_t{0});
    record_owners(ctx, {task}, user, ex->request_id, [ex, task, body = r.body] {
      auto out = json_response(ex->req, http::status::accepted, body);
      out.set(http::field::location, "/api/tasks/" + std::to_string(task));
      ex->reply(std::move(out));
    });
  });
}

} // namespace

void add_task_routes(router& r, std::shared_ptr<gateway_context> ctx);

void add_api_routes(router& r, std::shared_ptr<gateway_context> ctx) {
  for (auto& route : api_route_table()) {
    r.add(route.method, route.path, [ctx, &route](std::shared_ptr<exchange> ex, path_params params) {
      authorize(*ctx, ex, route.who, [ctx, &route, ex, params](identity who) {
        run(ctx, route, ex, params, std::move(who));
      });
    });
  }
  r.add("GET", "/api/health", [](std::shared_ptr<exchange> ex, path_params) {
    ex->reply(json_response(ex->req, http::status::ok, R"({"status":"ok"})"));
  });
  add_task_routes(r, ctx);
}

} // namespace petrade::gateway
