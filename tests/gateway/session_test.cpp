// Sessions expire: a token past its lifetime is refused with 401 on every
// route, and a fresh sign-in works again.
#include "tests/gateway/gateway_fixture.hpp"

namespace petrade::test {
namespace {

TEST(GatewaySession, AnExpiredTokenIsRefused) {
  served_platform served(2s);
  gateway_client api(served);
  auto token = api.sign_up("grace");
  EXPECT_EQ(api.get("/api/me", token).status, 200);
  std::this_thread::sleep_for(2500ms);
  auto expired = api.get("/api/me", token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(error_code(expired), "unauthenticated");
  EXPECT_NE(expired.body.find("expired"), std::string::npos) << expired.body;
  EXPECT_EQ(api.get("/api/projects", token).status, 401);   // even where anyone may look
  auto again = api.sign_in("grace", "password of grace");
  EXPECT_EQ(api.get("/api/me", again).status, 200);
}

} // namespace
} // namespace petrade::test
