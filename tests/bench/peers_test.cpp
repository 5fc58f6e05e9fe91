// The peer balancer's configuration and the instant upstream's answers.
#include "bench/http_client.hpp"
#include "bench/peers.hpp"

#include <gtest/gtest.h>

namespace petrade::bench {
namespace {

TEST(Peers, NginxConfigListsEveryNodeAndTheChosenMethod) {
  auto lc = nginx_config("/tmp/x", 9000, {18545, 18546}, true);
  EXPECT_NE(lc.find("least_conn;"), std::string::npos);
  EXPECT_NE(lc.find("server 127.0.0.1:18546;"), std::string::npos);
  EXPECT_NE(lc.find("listen 127.0.0.1:9000"), std::string::npos);
  EXPECT_EQ(nginx_config("/tmp/x", 9000, {18545}, false).find("least_conn"), std::string::npos);
}

TEST(Peers, InstantNodeEchoesTheIdAndAnswersProbes) {
  instant_node node;
  http_client c(node.port());
  auto r = c.post("/", R"({"jsonrpc":"2.0","id":42,"method":"eth_blockNumber","params":[]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"jsonrpc":"2.0","id":42,"result":"0x1"})");
  r = c.post("/", R"({"jsonrpc":"2.0","id":"a","method":"eth_syncing","params":[]})");
  EXPECT_EQ(r.body, R"({"jsonrpc":"2.0","id":"a","result":false})");
}

} // namespace
} // namespace petrade::bench
