#include "gateway/http_exchange.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

void exchange::reply(response r) {
  if (answered_.exchange(true))
    return;
  r.set("X-Request-Id", request_id);
  send(std::move(r));
}

std::shared_ptr<event_sink> exchange::open_stream() {
  if (answered_.exchange(true))
    return nullptr;
  return stream();
}

response json_response(const request& req, http::status status, const std::string& body) {
  response r{status, req.version() ? req.version() : 11};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::cache_control, "no-store");
  r.keep_alive(req.keep_alive());
  r.body() = body;
  return r;
}

response error_response(const request& req, http::status status, const std::string& code,
                        const std::string& message) {
  nlohmann::json j{{"error", {{"code", code}, {"message", message}}}};
  return json_response(req, status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

} // namespace petrade::gateway
