// The "gateway" section of a config file: the shipped example loads, and a
// mistake is refused naming the file, the key and the value.
#include "gateway/gateway.hpp"
#include "protocol/config_section.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace petrade::test {
namespace {

TEST(GatewayConfig, TheShippedExampleServesOnLoopback8080) {
  auto g = gateway::load_gateway_config(source_path("config/petrade.json"));
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->server.address, "127.0.0.1");
  EXPECT_EQ(g->server.port, 8080);
  EXPECT_EQ(g->web_root, "web/dist");
  EXPECT_EQ(g->server.body_limit, 8u * 1024 * 1024);
  EXPECT_GT(g->server.requests_per_second, 0);
}

TEST(GatewayConfig, MistakesAreRefusedByName) {
  scratch_dir dir;
  auto refused = [&](const std::string& section) -> std::string {
    write_file(dir / "g.json", R"({"gateway": )" + section + "}");
    try {
      gateway::load_gateway_config(dir / "g.json");
    } catch (const config_error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(refused(R"({"prot": 8080})").find("prot"), std::string::npos);
  EXPECT_NE(refused(R"({"port": 70000})").find("70000"), std::string::npos);
  EXPECT_NE(refused(R"({"tls": {"certificate_file": "c.pem"}})").find("key_file"), std::string::npos);
  EXPECT_NE(refused(R"({"metrics_token_file": "/nonexistent/token"})").find("/nonexistent/token"), std::string::npos);
  write_file(dir / "none.json", R"({"control": {"port": 7545}})");
  EXPECT_FALSE(gateway::load_gateway_config(dir / "none.json").has_value());
}

} // namespace
} // namespace petrade::test
