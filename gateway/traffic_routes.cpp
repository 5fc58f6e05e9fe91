#include "gateway/traffic_routes.hpp"

#include "gateway/auth.hpp"
#include "gateway/traffic_control.hpp"

#include <nlohmann/json.hpp>

namespace petrade::gateway {

namespace {

using json = nlohmann::json;

response bad(const request& req, const std::string& why) {
  return error_response(req, http::status::bad_request, "bad_request", why);
}

/// The body as an object of the allowed fields with their JSON types; the
/// reason it is refused, or nothing. Values are never quoted back.
std::optional<std::string> check(const std::string& text, const std::map<std::string, json::value_t>& fields,
                                 json& out) {
  out = json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
  if (out.is_discarded() || !out.is_object())
    return std::string("the body must be a JSON object");
  for (auto& [key, value] : out.items()) {
    auto it = fields.find(key);
    if (it == fields.end()) {
      std::string known;
      for (auto& [name, type] : fields)
        known += (known.empty() ? "" : ", ") + name;
      return "unknown field '" + key + "' (" + known + ")";
    }
    bool number = it->second == json::value_t::number_float;
    if (number ? !value.is_number() : value.type() != it->second)
      return "'" + key + "' must be " + (number ? "a number" : it->second == json::value_t::boolean ? "true or false" : "a string");
  }
  return std::nullopt;
}

template <class F>
void with_traffic(const traffic_slot& slot, const std::shared_ptr<exchange>& ex, F f) {
  auto* t = slot->load();
  if (!t)
    return ex->reply(error_response(ex->req, http::status::service_unavailable, "unavailable",
                                    "the gateway is still starting"));
  f(*t);
}

} // namespace

void add_traffic_routes(router& r, std::shared_ptr<gateway_context> ctx, traffic_slot slot) {
  r.add("GET", "/api/admin/gateway", [ctx, slot](std::shared_ptr<exchange> ex, path_params) {
    authorize(*ctx, ex, access::admin, [ex, slot](identity) {
      with_traffic(slot, ex, [&](traffic_control& t) {
        ex->reply(json_response(ex->req, http::status::ok, t.snapshot().dump()));
      });
    });
  });
  r.add("POST", "/api/admin/gateway/groups/{group}", [ctx, slot](std::shared_ptr<exchange> ex, path_params p) {
    authorize(*ctx, ex, access::admin, [ctx, ex, slot, group = p["group"]](identity who) {
      json body;
      if (auto why = check(ex->req.body(), {{"on", json::value_t::boolean}}, body); why || !body.contains("on"))
        return ex->reply(bad(ex->req, why ? *why : "'on' (true or false) is required"));
      with_traffic(slot, ex, [&](traffic_control& t) {
        bool on = body["on"].get<bool>();
        try {
          if (!t.switch_group(group, on))
            return ex->reply(error_response(ex->req, http::status::not_found, "not_found",
                                            "no route group '" + group + "'"));
        } catch (const std::invalid_argument& e) {
          return ex->reply(error_response(ex->req, http::status::conflict, "conflict", e.what()));
        }
        if (ctx->log)
          ctx->log("warn", "route group " + group + (on ? " switched on" : " switched off") + " by " + who.user,
                   ex->request_id);
        ex->reply(json_response(ex->req, http::status::ok, json{{"group", group}, {"on", on}}.dump()));
      });
    });
  });
  r.add("POST", "/api/admin/gateway/limits", [ctx, slot](std::shared_ptr<exchange> ex, path_params) {
    authorize(*ctx, ex, access::admin, [ctx, ex, slot](identity who) {
      json b;
      auto why = check(ex->req.body(),
                       {{"route", json::value_t::string}, {"client", json::value_t::string},
                        {"rate", json::value_t::number_float}, {"burst", json::value_t::number_float},
                        {"remove", json::value_t::boolean}},
                       b);
      bool remove = b.is_object() && b.value("remove", false);
      if (!why && b.contains("route") && b.contains("client"))
        why = "name a 'route' or a 'client', not both";
      if (!why && remove && !b.contains("route") && !b.contains("client"))
        why = "the default limit cannot be removed; set 'rate' 0 for no limit";
      if (!why && !remove && (!b.contains("rate") || b["rate"].get<double>() < 0 || b["rate"].get<double>() > 1e6))
        why = "'rate' (requests per second, 0 to 1000000; 0 = no limit) is required";
      if (!why && b.contains("burst") && (b["burst"].get<double>() < 1 || b["burst"].get<double>() > 1e6))
        why = "'burst' must be from 1 to 1000000";
      if (why)
        return ex->reply(bad(ex->req, *why));
      std::optional<rate_limit> limit;
      if (!remove)
        limit = rate_limit{b["rate"].get<double>(), b.value("burst", std::max(1.0, b["rate"].get<double>()))};
      with_traffic(slot, ex, [&](traffic_control& t) {
        std::string what = "the default per client";
        if (b.contains("route")) {
          what = "route " + b["route"].get<std::string>();
          if (!t.limit_route(b["route"].get<std::string>(), limit))
            return ex->reply(error_response(ex->req, http::status::not_found, "not_found",
                                            "no route '" + b["route"].get<std::string>()
                                              + "' (write it as the snapshot does: \"GET /api/projects\")"));
        } else if (b.contains("client")) {
          what = "client " + b["client"].get<std::string>();
          t.limit_client(b["client"].get<std::string>(), limit);
        } else {
          t.limit_default(*limit);
        }
        if (ctx->log)
          ctx->log("warn", "request limit of " + what + (limit ? " set to " + std::to_string(limit->rate) + "/s" : " removed")
                             + " by " + who.user, ex->request_id);
        ex->reply(json_response(ex->req, http::status::ok, t.snapshot().dump()));
      });
    });
  });
}

} // namespace petrade::gateway
