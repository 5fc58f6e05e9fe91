// The bench's own HTTP client against a real socket that lies about its
// answer's length: refused from the header, never a 16 PB allocation.
#include "bench/http_client.hpp"
#include "tests/protocol/jsonrpc/test_server.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using petrade::bench::http_client;
using petrade::jsonrpc::test::reply;
using petrade::jsonrpc::test::test_server;

TEST(BenchHttpClient, AnAnswerAnnouncingMoreThanTheLimitIsRefusedFromItsHeader) {
  test_server server([](const std::string&) {
    reply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16777777777777770"
            "\r\n\r\n{\"task\": ";
    return r;
  });
  http_client c(server.port());
  try {
    c.get("/api/health");
    FAIL() << "a 16 PB answer was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("body limit"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), std::runtime_error);
}

TEST(BenchHttpClient, AnOrdinaryAnswerIsRead) {
  test_server server([](const std::string&) {
    reply r;
    r.body = "{\"ok\": true}";
    return r;
  });
  http_client c(server.port());
  auto r = c.get("/api/health");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{\"ok\": true}");
}

} // namespace
