#include "gateway/gateway_context.hpp"

namespace petrade::gateway {

void record_owners(const std::shared_ptr<gateway_context>& ctx, std::vector<std::uint64_t> tasks,
                   const std::string& user, const std::string& request_id, std::function<void()> then) {
  if (tasks.empty())
    return then();
  auto left = std::make_shared<std::size_t>(tasks.size());
  auto one_done = [left, then] {
    if (--*left == 0)
      then();
  };
  for (auto id : tasks) {
    auto lost = [ctx, id, request_id](const std::string& why) {
      if (ctx->log)
        ctx->log("warn", "task " + std::to_string(id) + ": its owner was not recorded (" + why
                           + "); only the admin can follow it", request_id);
    };
    ctx->bridge.record_owner(
      id, user, ctx->call_timeout,
      [lost, one_done](bool known) {
        if (!known)
          lost("no such task");
        one_done();
      },
      [lost, one_done](std::string why) {
        lost(why);
        one_done();
      });
  }
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

} // namespace petrade::gateway
