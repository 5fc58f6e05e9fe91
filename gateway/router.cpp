#include "gateway/router.hpp"

#include "protocol/eth/hex.hpp"

namespace petrade::gateway {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto end = path.find('/', i);
    if (end == std::string::npos)
      end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool is_capture(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

} // namespace

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && eth::nibble(s[i + 1]) >= 0 && eth::nibble(s[i + 2]) >= 0) {
      out += static_cast<char>(eth::nibble(s[i + 1]) * 16 + eth::nibble(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string target_path(const std::string& target) {
  return target.substr(0, target.find('?'));
}

std::map<std::string, std::string> query_params(const std::string& target) {
  std::map<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string::npos)
    return out;
  auto rest = target.substr(q + 1);
  std::size_t i = 0;
  while (i <= rest.size()) {
    auto end = rest.find('&', i);
    if (end == std::string::npos)
      end = rest.size();
    auto pair = rest.substr(i, end - i);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto key = url_decode(pair.substr(0, eq));
      out[key] = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
    }
    i = end + 1;
  }
  return out;
}

void router::add(std::string method, std::string pattern, route_handler h) {
  auto segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(h)});
}

std::vector<route_info> router::routes() const {
  std::vector<route_info> out;
  for (auto& r : routes_)
    out.push_back({r.method, r.pattern});
  return out;
}

const router::route* router::find(const std::string& method, const std::string& path, path_params& best_params,
                                  bool& other_method) const {
  auto segments = split_path(path);
  other_method = false;
  // Literal segments win over captures (`/projects/mine` before `/projects/{id}`).
  const route* best = nullptr;
  int best_literals = -1;
  for (auto& r : routes_) {
    if (r.segments.size() != segments.size())
      continue;
    path_params params;
    int literals = 0;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      if (is_capture(r.segments[i])) {
        params[r.segments[i].substr(1, r.segments[i].size() - 2)] = url_decode(segments[i]);
      } else {
        match = r.segments[i] == segments[i];
        ++literals;
      }
    }
    if (!match)
      continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      other_method = true;
      continue;
    }
    if (literals > best_literals) {
      best = &r;
      best_params = std::move(params);
      best_literals = literals;
    }
  }
  return best;
}

void router::handle(std::shared_ptr<exchange> ex) const {
  auto path = target_path(std::string(ex->req.target()));
  auto method = std::string(ex->req.method_string());
  bool other_method = false;
  path_params best_params;
  auto* best = find(method, path, best_params, other_method);
  if (gate_ && !gate_(best ? std::optional<route_info>(route_info{best->method, best->pattern}) : std::nullopt, ex))
    return;
  if (best)
    return best->handler(std::move(ex), std::move(best_params));
  if (other_method) {
    auto r = error_response(ex->req, http::status::method_not_allowed, "method_not_allowed",
                            method + " is not allowed on " + path);
    return ex->reply(std::move(r));
  }
  if (fallback_)
    return fallback_(std::move(ex), {});
  ex->reply(error_response(ex->req, http::status::not_found, "not_found", "no route for " + path));
}

} // namespace petrade::gateway
