// The gateway (design §9): the HTTP server with every route — REST API,
// /rpc, /metrics, /api/cluster, the web app — wired to a running platform's
// actors. `petrade up` starts one when the config has a "gateway" section.
#pragma once

#include "gateway/actor_bridge.hpp"
#include "gateway/http_server.hpp"
#include "gateway/router.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace petrade {
class config_section;
}

namespace petrade::gateway {

struct gateway_config {
  server_config server;
  std::string web_root = "web/dist";
  std::chrono::milliseconds call_timeout{30000};
  std::chrono::milliseconds cluster_interval{500};
  std::string metrics_token;   // empty = /metrics is open (bind it to loopback then)
};

/// The "gateway" section of a config file; config_error naming the key.
gateway_config read_gateway_config(config_section& s);
/// The "gateway" section of `file`, if it has one.
std::optional<gateway_config> load_gateway_config(const std::string& file);

using gateway_log = std::function<void(const std::string& level, const std::string& text,
                                       const std::string& request_id)>;

class gateway {
public:
  /// Binds and serves; std::runtime_error when it cannot listen.
  gateway(caf::actor_system& sys, actor_handles actors, gateway_config cfg, gateway_log log = {});
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  unsigned short port() const;
  std::string base_url() const;
  std::vector<route_info> routes() const;
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace petrade::gateway
