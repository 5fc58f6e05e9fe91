#include "gateway/gateway.hpp"

#include "gateway/api_routes.hpp"
#include "gateway/cluster_routes.hpp"
#include "gateway/node_routes.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/rpc_proxy.hpp"
#include "gateway/static_files.hpp"
#include "gateway/traffic_control.hpp"
#include "gateway/traffic_routes.hpp"
#include "protocol/config_section.hpp"

#include <fstream>

namespace petrade::gateway {

namespace {

std::string read_secret_file(config_section& s, const std::string& key, const std::string& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty())
    s.refuse(key, file, "a readable file whose first line is the token");
  return line;
}

} // namespace

gateway_config read_gateway_config(config_section& s) {
  gateway_config g;
  auto& srv = g.server;
  if (auto v = s.text("address"))
    srv.address = *v;
  if (auto v = s.integer("port", 0, 65535))
    srv.port = static_cast<unsigned short>(*v);
  if (auto v = s.integer("io_threads", 1, 64))
    srv.io_threads = static_cast<std::size_t>(*v);
  if (auto v = s.text("web_root"))
    g.web_root = *v;
  if (auto v = s.integer("body_limit", 1024, 1LL << 30))
    srv.body_limit = static_cast<std::size_t>(*v);
  if (auto v = s.integer("header_limit", 1024, 1 << 20))
    srv.header_limit = static_cast<std::size_t>(*v);
  if (auto v = s.number("requests_per_second", 0, 1e9))
    srv.requests_per_second = *v;
  if (auto v = s.number("burst", 1, 1e9))
    srv.burst = *v;
  if (auto v = s.integer("idle_timeout_s", 1, 3600))
    srv.idle_timeout = std::chrono::seconds(*v);
  if (auto v = s.integer("call_timeout_ms", 100, 600000))
    g.call_timeout = std::chrono::milliseconds(*v);
  if (auto v = s.integer("cluster_interval_ms", 50, 60000))
    g.cluster_interval = std::chrono::milliseconds(*v);
  if (auto v = s.text("metrics_token_file"))
    g.metrics_token = read_secret_file(s, "metrics_token_file", *v);
  if (auto t = s.section("tls")) {
    auto cert = t->text("certificate_file");
    auto key = t->text("key_file");
    if (!cert || !key)
      s.refuse("tls", s.raw("tls"), "both \"certificate_file\" and \"key_file\"");
    srv.tls_certificate_file = *cert;
    srv.tls_key_file = *key;
    t->finish();
  }
  s.finish();
  return g;
}

std::optional<gateway_config> load_gateway_config(const std::string& file) {
  auto doc = config_section::read_file(file);
  if (!doc.contains("gateway"))
    return std::nullopt;
  config_section top(doc, file, "");
  auto s = top.section("gateway");
  return read_gateway_config(*s);
}

struct gateway::impl {
  std::shared_ptr<gateway_context> ctx;
  router routes;
  std::shared_ptr<cluster_feed> feed;
  traffic_slot traffic = std::make_shared<std::atomic<traffic_control*>>(nullptr);
  std::unique_ptr<traffic_control> traffic_owner;   // outlives no server: declared before it
  std::unique_ptr<http_server> server;
};

gateway::gateway(caf::actor_system& sys, actor_handles actors, gateway_config cfg, gateway_log log)
  : impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  d.ctx = std::make_shared<gateway_context>(sys, std::move(actors));
  d.ctx->call_timeout = cfg.call_timeout;
  d.ctx->log = std::move(log);
  add_api_routes(d.routes, d.ctx);
  add_rpc_route(d.routes, d.ctx);
  d.feed = add_cluster_routes(d.routes, d.ctx, cfg.cluster_interval, cfg.metrics_token);
  add_node_routes(d.routes, d.ctx);
  add_traffic_routes(d.routes, d.ctx, d.traffic);
  d.routes.fallback(static_files(cfg.web_root));
  auto* routes = &d.routes;
  auto ctx = d.ctx;
  auto traffic = d.traffic;
  // Gateway management: switched-off groups, route limits, rates per route.
  d.routes.gate([traffic](const std::optional<route_info>& matched, const std::shared_ptr<exchange>& ex) {
    auto* t = traffic->load();
    if (!t)
      return true;
    auto route = matched ? matched->method + " " + matched->pattern : std::string("web");
    auto inner = std::move(ex->send);
    ex->send = [inner, t, route](response r) {
      t->record(route, r.result_int());
      inner(std::move(r));
    };
    if (auto no = t->admit(route, matched ? group_of(matched->pattern) : std::string("web"), ex->client)) {
      auto r = error_response(ex->req, static_cast<http::status>(no->status), no->code, no->message);
      if (no->retry_after_s)
        r.set(http::field::retry_after, std::to_string(no->retry_after_s));
      ex->reply(std::move(r));
      return false;
    }
    return true;
  });
  d.server = std::make_unique<http_server>(cfg.server, [routes, ctx](std::shared_ptr<exchange> ex) {
    // Failed requests are logged with their request id; bodies and
    // headers are not (they carry passwords and tokens).
    if (ctx->log) {
      auto line = std::string(ex->req.method_string()) + " " + target_path(std::string(ex->req.target()));
      auto inner = std::move(ex->send);
      ex->send = [inner, line, log = ctx->log, id = ex->request_id](response r) {
        auto code = r.result_int();
        if (code >= 400)
          log(code >= 500 ? "warn" : "info", line + " -> " + std::to_string(code), id);
        inner(std::move(r));
      };
    }
    routes->handle(std::move(ex));
  });
  std::vector<std::string> served;
  for (auto& r : d.routes.routes())
    served.push_back(r.method + " " + r.pattern);
  d.traffic_owner = std::make_unique<traffic_control>(d.server->limiter(), served);
  d.traffic->store(d.traffic_owner.get());
}

gateway::~gateway() {
  stop();
}

unsigned short gateway::port() const {
  return impl_->server->port();
}

std::string gateway::base_url() const {
  return std::string(impl_->server->tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::vector<route_info> gateway::routes() const {
  return impl_->routes.routes();
}

void gateway::stop() {
  if (impl_->feed)
    stop_feed(impl_->feed);
  if (impl_->server)
    impl_->server->stop();
}

} // namespace petrade::gateway
