// GET /api/tasks/{id}[?wait=ms]: a write's journal state, followed to mined,
// confirmed or failed. "indexed" says whether the read models have caught up
// with the task's block, so a client that saw it can trust its next read.
#include "gateway/auth.hpp"
#include "gateway/body_rules.hpp"
#include "gateway/router.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

using json = nlohmann::json;

namespace {

bool settled(const std::string& state) {
  return state == "mined" || state == "confirmed" || state == "failed";
}

json task_json(const write_status& s, bool indexed) {
  return {{"task", s.task_id}, {"state", s.state},   {"tx", s.tx_hash},    {"nonce", s.nonce},
          {"block", s.block},  {"error", s.error},   {"indexed", indexed}};
}

void answer(const std::shared_ptr<gateway_context>& ctx, const std::shared_ptr<exchange>& ex,
            write_status s) {
  if (s.state == "unknown")
    return ex->reply(error_response(ex->req, http::status::not_found, "not_found",
                                    "no task " + std::to_string(s.task_id)));
  if ((s.state == "mined" || s.state == "confirmed") && s.block > 0) {
    ctx->bridge.indexed(
      s.block, std::chrono::seconds(10),
      [ex, s] { ex->reply(json_response(ex->req, http::status::ok, task_json(s, true).dump())); },
      [ex, s](std::string) {
        ex->reply(json_response(ex->req, http::status::ok, task_json(s, false).dump()));
      });
    return;
  }
  ex->reply(json_response(ex->req, http::status::ok, task_json(s, false).dump()));
}

void follow(const std::shared_ptr<gateway_context>& ctx, const std::shared_ptr<exchange>& ex,
            std::uint64_t id, std::uint64_t wait_ms, const identity& who) {
  auto failed = [ex](std::string why) {
    ex->reply(error_response(ex->req, http::status::service_unavailable, "unavailable",
                             "the transaction manager did not answer: " + why));
  };
  auto admin = who.role == "admin";
  ctx->bridge.task_state(id, false, ctx->call_timeout, [ctx, ex, id, wait_ms, failed, admin,
                                                        user = who.user](write_status now) {
    // Someone else's task is answered like a missing one: ids are guessable.
    if (!admin && now.owner != user)
      return ex->reply(error_response(ex->req, http::status::not_found, "not_found",
                                      "no task " + std::to_string(id) + " of yours"));
    if (wait_ms == 0 || settled(now.state) || now.state == "unknown")
      return answer(ctx, ex, std::move(now));
    // Still under way: wait for it, but never past the client's patience;
    // a wait that runs out answers the state as it is then.
    ctx->bridge.task_state(
      id, true, std::chrono::milliseconds(wait_ms), [ctx, ex](write_status s) { answer(ctx, ex, std::move(s)); },
      [ctx, ex, id, failed](std::string) {
        ctx->bridge.task_state(id, false, ctx->call_timeout,
                               [ctx, ex](write_status s) { answer(ctx, ex, std::move(s)); }, failed);
      });
  }, failed);
}

} // namespace

void add_task_routes(router& r, std::shared_ptr<gateway_context> ctx) {
  r.add("GET", "/api/tasks/{id}", [ctx](std::shared_ptr<exchange> ex, path_params params) {
    authorize(*ctx, ex, access::user, [ctx, ex, params](identity who) {
      json q = json::object();
      auto why = check_query(query_params(std::string(ex->req.target())), {{"wait", field_type::integer}}, q);
      if (!why)
        why = put_text_value("id", params.at("id"), field_type::integer, q);
      if (why)
        return ex->reply(error_response(ex->req, http::status::bad_request, "bad_request", *why));
      auto id = q["id"].get<std::uint64_t>();
      auto wait = std::min<std::uint64_t>(q.value("wait", std::uint64_t{0}),
                                          static_cast<std::uint64_t>(ctx->max_task_wait.count()));
      follow(ctx, ex, id, wait, who);
    });
  });
}

} // namespace petrade::gateway
