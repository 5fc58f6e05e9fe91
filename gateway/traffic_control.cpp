#include "gateway/traffic_control.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace petrade::gateway {

namespace {

using json = nlohmann::json;

std::int64_t whole_seconds(traffic_control::clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

json limit_json(const rate_limit& l) {
  return {{"rate", l.rate}, {"burst", l.burst}};
}

} // namespace

std::string group_of(const std::string& pattern) {
  if (pattern.rfind("/api/", 0) == 0) {
    auto end = pattern.find('/', 5);
    return pattern.substr(5, end == std::string::npos ? std::string::npos : end - 5);
  }
  if (pattern == "/rpc" || pattern == "/metrics")
    return pattern.substr(1);
  return "web";
}

traffic_control::traffic_control(rate_limiter& clients, std::vector<std::string> routes) : clients_(clients) {
  groups_.insert("web");
  routes_["web"].group = "web";   // the web app's files, and paths no route names
  for (auto& r : routes) {
    auto pattern = r.substr(r.find(' ') + 1);
    auto& s = routes_[r];
    s.group = group_of(pattern);
    groups_.insert(s.group);
  }
}

std::optional<traffic_control::refusal> traffic_control::admit(const std::string& route, const std::string& group,
                                                               const std::string& client, clock::time_point now) {
  std::lock_guard lock{mutex_};
  if (off_.count(group)) {
    if (auto it = routes_.find(route); it != routes_.end())
      ++it->second.refused;
    return refusal{503, "switched_off",
                   "the '" + group + "' routes are switched off by an operator for now; try again later"};
  }
  auto it = routes_.find(route);
  if (it == routes_.end() || !it->second.limit)
    return std::nullopt;
  unsigned retry = 0;
  if (it->second.limit->allow(client, retry, now))
    return std::nullopt;
  ++it->second.refused;
  return refusal{429, "rate_limited",
                 route + " takes at most " + std::to_string(it->second.limit_value->rate)
                   + " requests per second from " + client,
                 retry};
}

void traffic_control::record(const std::string& route, int status, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto it = routes_.find(route);
  if (it == routes_.end())
    return;
  auto& s = it->second;
  auto at = whole_seconds(now);
  auto& w = s.window[at % window_s];
  if (w.at != at)
    w = second{at};
  ++w.requests;
  ++s.requests;
  if (status >= 500) {
    ++w.server_errors;
    ++s.server_errors;
  } else if (status >= 400) {
    ++w.client_errors;
    ++s.client_errors;
  }
}

bool traffic_control::switch_group(const std::string& group, bool on) {
  std::lock_guard lock{mutex_};
  if (!groups_.count(group))
    return false;
  if (group == "admin" && !on)
    throw std::invalid_argument("the 'admin' routes cannot be switched off: they are how routes are switched back on");
  if (on)
    off_.erase(group);
  else
    off_.insert(group);
  return true;
}

bool traffic_control::limit_route(const std::string& route, std::optional<rate_limit> l) {
  std::lock_guard lock{mutex_};
  auto it = routes_.find(route);
  if (it == routes_.end() || it->second.group == "web")
    return false;
  it->second.limit_value = l;
  it->second.limit = l ? std::make_unique<rate_limiter>(l->rate, l->burst) : nullptr;
  return true;
}

void traffic_control::limit_client(const std::string& client, std::optional<rate_limit> l) {
  clients_.set_client(client, l);
}

void traffic_control::limit_default(rate_limit l) {
  clients_.set_default(l);
}

json traffic_control::snapshot(clock::time_point now) const {
  json j;
  j["window_s"] = window_s;
  j["default_limit"] = limit_json(clients_.default_limit());
  j["client_limits"] = json::object();
  for (auto& [client, l] : clients_.client_limits())
    j["client_limits"][client] = limit_json(l);
  std::lock_guard lock{mutex_};
  j["groups"] = json::object();
  for (auto& g : groups_)
    j["groups"][g] = {{"on", !off_.count(g)}, {"switchable", g != "admin"}};
  j["routes"] = json::array();
  auto at = whole_seconds(now);
  for (auto& [route, s] : routes_) {
    std::uint64_t requests = 0, errors = 0;
    for (auto& w : s.window)
      if (w.at > at - window_s && w.at <= at) {
        requests += w.requests;
        errors += w.client_errors + w.server_errors;
      }
    json r{{"route", route},
           {"group", s.group},
           {"requests_per_s", static_cast<double>(requests) / window_s},
           {"errors_per_s", static_cast<double>(errors) / window_s},
           {"error_rate", requests ? static_cast<double>(errors) / static_cast<double>(requests) : 0.0},
           {"requests", s.requests},
           {"client_errors", s.client_errors},
           {"server_errors", s.server_errors},
           {"refused", s.refused}};
    r["limit"] = s.limit_value ? limit_json(*s.limit_value) : json(nullptr);
    j["routes"].push_back(r);
  }
  return j;
}

} // namespace petrade::gateway
