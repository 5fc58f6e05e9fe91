// Method + path pattern → handler. Patterns are literal segments and
// `{name}` captures (`/api/projects/{id}/buy`); a path that matches a route
// under another method is a 405, none at all falls to the fallback.
#pragma once

#include "gateway/http_exchange.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace petrade::gateway {

using path_params = std::map<std::string, std::string>;
using route_handler = std::function<void(std::shared_ptr<exchange>, path_params)>;

struct route_info {
  std::string method;    // "GET", "POST", ...
  std::string pattern;
};

class router {
public:
  void add(std::string method, std::string pattern, route_handler h);
  /// For paths no route names (the static web app, 404).
  void fallback(route_handler h) { fallback_ = std::move(h); }
  void handle(std::shared_ptr<exchange> ex) const;
  std::vector<route_info> routes() const;
  /// Asked once the route is known (none: the fallback's paths), before its
  /// handler; false when it has answered the request itself.
  using route_gate = std::function<bool(const std::optional<route_info>&, const std::shared_ptr<exchange>&)>;
  void gate(route_gate g) { gate_ = std::move(g); }

private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    route_handler handler;
  };
  const route* find(const std::string& method, const std::string& path, path_params& params,
                    bool& other_method) const;
  route_handler fallback_;
  route_gate gate_;
  std::vector<route> routes_;
};

/// The path part of a target (no query), and the decoded query parameters.
std::string target_path(const std::string& target);
std::map<std::string, std::string> query_params(const std::string& target);
std::string url_decode(const std::string& s);

} // namespace petrade::gateway
