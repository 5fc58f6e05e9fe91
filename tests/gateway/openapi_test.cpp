// docs/openapi.yaml and the gateway's routes are the same set: a route that
// is not documented fails, and so does a documented route that is missing.
#include "actors/system_config.hpp"
#include "gateway/gateway.hpp"
#include "tests/support/tools.hpp"

#include <caf/actor_system.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

namespace petrade::test {
namespace {

using route_set = std::set<std::pair<std::string, std::string>>;

/// (METHOD, path) of every operation under `paths:`; the file keeps paths at
/// two spaces of indentation and methods at four.
route_set documented() {
  std::ifstream in(source_path("docs/openapi.yaml"));
  EXPECT_TRUE(in) << "docs/openapi.yaml is missing";
  std::regex path_line(R"(^  (/[^:\s]*):\s*$)");
  std::regex method_line(R"(^    (get|put|post|delete|patch|head|options):\s*$)");
  route_set out;
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!line.empty() && line[0] != ' ' && line[0] != '#')
      in_paths = line.rfind("paths:", 0) == 0;
    else if (in_paths && std::regex_match(line, m, path_line))
      path = m[1];
    else if (in_paths && !path.empty() && std::regex_match(line, m, method_line)) {
      std::string method = m[1];
      for (auto& c : method)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.emplace(method, path);
    }
  }
  return out;
}

route_set served() {
  system_config cfg;
  caf::actor_system sys{cfg};
  gateway::gateway_config g;
  g.server.port = 0;
  gateway::gateway gw(sys, {}, g);
  route_set out;
  for (auto& r : gw.routes())
    out.emplace(r.method, r.pattern);
  return out;
}

TEST(OpenApi, EveryRouteIsDocumented) {
  auto docs = documented();
  ASSERT_GT(docs.size(), 40u) << "the scanner found too few operations";
  for (auto& r : served())
    EXPECT_TRUE(docs.count(r)) << r.first << " " << r.second << " is served but not in docs/openapi.yaml";
}

TEST(OpenApi, EveryDocumentedRouteIsServed) {
  auto routes = served();
  for (auto& d : documented())
    EXPECT_TRUE(routes.count(d)) << d.first << " " << d.second << " is documented but not served";
}

} // namespace
} // namespace petrade::test
