#include "gateway/node_routes.hpp"

#include "gateway/auth.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

namespace {

using json = nlohmann::json;

// Removing drains the node's tasks in flight (each within the dispatcher's
// node timeout); adding a devnet node waits for its process to listen.
constexpr std::chrono::minutes operation_timeout{6};

/// The body of an add, checked at the door; the reason it is refused, or nothing.
std::optional<std::string> check_spec(const std::string& text, json& spec) {
  spec = json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object())
    return std::string("the body must be a JSON object: {\"devnet\": true} or {\"url\": \"http://...\"}");
  for (auto& [key, value] : spec.items()) {
    if (key == "devnet") {
      if (!value.is_boolean())
        return std::string("'devnet' must be true or false");
    } else if (key == "url" || key == "name" || key == "submit_url") {
      if (!value.is_string())
        return "'" + key + "' must be a string";
    } else {
      return "unknown field '" + key + "' (devnet, url, name, submit_url)";
    }
  }
  return std::nullopt;
}

http::status status_of(int code) {
  switch (code) {
    case 400: return http::status::bad_request;
    case 404: return http::status::not_found;
    case 409: return http::status::conflict;
    default: return http::status::internal_server_error;
  }
}

const char* code_of(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 409: return "conflict";
    default: return "internal";
  }
}

void run(const std::shared_ptr<gateway_context>& ctx, const std::shared_ptr<exchange>& ex, node_op op,
         const std::string& arg, http::status ok) {
  ctx->bridge.node_operation(
    op, arg, operation_timeout,
    [ctx, ex, ok](std::string answer) {
      auto j = json::parse(answer, nullptr, false);
      if (j.is_object() && j.contains("error")) {
        auto status = j.value("status", 500);
        if (ctx->log)
          ctx->log("info", "node operation refused: " + j.value("error", std::string()), ex->request_id);
        return ex->reply(error_response(ex->req, status_of(status), code_of(status), j.value("error", std::string())));
      }
      if (ctx->log)
        ctx->log("info", "node operation: " + answer, ex->request_id);
      ex->reply(json_response(ex->req, ok, answer));
    },
    [ex](std::string why) {
      ex->reply(error_response(ex->req, http::status::service_unavailable, "unavailable",
                               "the platform did not answer: " + why));
    });
}

} // namespace

void add_node_routes(router& r, std::shared_ptr<gateway_context> ctx) {
  r.add("POST", "/api/cluster/nodes", [ctx](std::shared_ptr<exchange> ex, path_params) {
    authorize(*ctx, ex, access::admin, [ctx, ex](identity) {
      json spec;
      if (auto why = check_spec(ex->req.body(), spec))
        return ex->reply(error_response(ex->req, http::status::bad_request, "bad_request", *why));
      run(ctx, ex, node_op::add, spec.dump(), http::status::created);
    });
  });
  r.add("DELETE", "/api/cluster/nodes/{node}", [ctx](std::shared_ptr<exchange> ex, path_params p) {
    authorize(*ctx, ex, access::admin, [ctx, ex, node = p["node"]](identity) {
      run(ctx, ex, node_op::remove, node, http::status::ok);
    });
  });
  for (auto op : {node_op::cordon, node_op::uncordon}) {
    std::string path = std::string("/api/cluster/nodes/{node}/") + (op == node_op::cordon ? "cordon" : "uncordon");
    r.add("POST", path, [ctx, op](std::shared_ptr<exchange> ex, path_params p) {
      authorize(*ctx, ex, access::admin, [ctx, ex, op, node = p["node"]](identity) {
        run(ctx, ex, op, node, http::status::ok);
      });
    });
  }
}

} // namespace petrade::gateway
