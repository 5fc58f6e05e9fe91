#include "protocol/jsonrpc/endpoint.hpp"

#include <gtest/gtest.h>

using petrade::jsonrpc::endpoint;

TEST(Endpoint, ParsesHostPortAndPath) {
  auto ep = endpoint::parse("http://127.0.0.1:8545/rpc/v1?key=abc");
  EXPECT_EQ(ep.host, "127.0.0.1");
  EXPECT_EQ(ep.port, 8545);
  EXPECT_EQ(ep.target, "/rpc/v1?key=abc");
  EXPECT_EQ(ep.host_header(), "127.0.0.1:8545");
  EXPECT_EQ(ep.url(), "http://127.0.0.1:8545/rpc/v1?key=abc");
}

TEST(Endpoint, DefaultsPortAndPath) {
  auto ep = endpoint::parse("HTTP://node.example");
  EXPECT_EQ(ep.host, "node.example");
  EXPECT_EQ(ep.port, 80);
  EXPECT_EQ(ep.target, "/");
  EXPECT_EQ(ep.host_header(), "node.example");
  EXPECT_EQ(endpoint::parse("http://h:1?x=1").target, "/?x=1");
  EXPECT_EQ(endpoint::parse("http://h:1/#frag").target, "/");
}

TEST(Endpoint, ParsesBracketedIpv6) {
  auto ep = endpoint::parse("http://[::1]:8545");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_EQ(ep.port, 8545);
  EXPECT_EQ(ep.host_header(), "[::1]:8545");
}

TEST(Endpoint, RejectsBadUrlsNamingThem) {
  for (const char* bad : {"", "127.0.0.1:8545", "ws://127.0.0.1:8545", "http://", "http://:8545",
                          "http://host:", "http://host:0", "http://host:65536", "http://host:12ab",
                          "http://user:pw@host:1", "http://[::1", "http://[::1]x",
                          "http://ho st:1"}) {
    try {
      endpoint::parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("\"" + std::string(bad) + "\""), std::string::npos)
          << e.what();
    }
  }
}

TEST(Endpoint, RejectsHttpsClearly) {
  try {
    endpoint::parse("https://mainnet.example/rpc");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("https is not supported"), std::string::npos) << e.what();
  }
}
