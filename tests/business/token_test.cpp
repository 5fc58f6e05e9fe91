// The token actor's operations beyond top-ups: transfers, burns and the
// platform role's controls (pause, freeze, forced transfer for a lost key),
// each checked against the chain and the bill.
#include "tests/business/business_fixture.hpp"

namespace petrade::test {
namespace {

using TokenOps = BusinessFixture;

TEST_P(TokenOps, TransferBurnAndThePlatformsControls) {
  sign_up("frank");
  sign_up("grace");
  settle(ok("frank", "token.topup", {{"amount", 100}, {"idempotency_key", "card-1"}}));
  // The same payment retried is one payment and one mint.
  settle(ok("frank", "token.topup", {{"amount", 100}, {"idempotency_key", "card-1"}}));
  expect_balance("frank", "100");

  settle(ok("frank", "token.transfer", {{"to", "grace"}, {"amount", 30}}));
  settle(ok("grace", "token.burn", {{"amount", 5}}));
  expect_balance("frank", "70");
  expect_balance("grace", "25");
  EXPECT_EQ(call("frank", "token.transfer", {{"to", "grace"}, {"amount", 71}}).error,
            business_error::insufficient_funds);
  EXPECT_EQ(call("frank", "token.transfer", {{"to", "nobody"}, {"amount", 1}}).error, business_error::not_found);
  EXPECT_EQ(call("frank", "token.transfer", {{"to", "frank"}, {"amount", 1}}).error, business_error::invalid);
  EXPECT_EQ(call("frank", "token.balance", {{"username", "grace"}}).error, business_error::forbidden);

  auto admin = [&](const std::string& op, const json& body = json::object()) {
    auto r = call("root", op, body, "admin");
    EXPECT_TRUE(r.ok()) << op << ": " << r.message;
    return r.ok() ? json::parse(r.body) : json();
  };
  // A frozen account cannot send; the refusal names the contract's reason.
  settle(admin("token.freeze", {{"username", "frank"}}));
  auto frozen = call("frank", "token.transfer", {{"to", "grace"}, {"amount", 1}});
  EXPECT_NE(frozen.error, business_error::none);
  EXPECT_NE(frozen.message.find("frozen"), std::string::npos) << frozen.message;
  // Lost key: the platform moves the frozen balance to the new owner.
  settle(admin("token.forced_transfer", {{"from", "frank"}, {"to", "grace"}, {"amount", 70}}));
  expect_balance("frank", "0");
  expect_balance("grace", "95");
  settle(admin("token.unfreeze", {{"username", "frank"}}));

  settle(admin("token.pause"));
  auto paused = call("grace", "token.burn", {{"amount", 1}});
  EXPECT_NE(paused.message.find("paused"), std::string::npos) << paused.message;
  EXPECT_EQ(admin("token.status").value("paused", false), true);
  settle(admin("token.unpause"));
  settle(admin("token.mint", {{"username", "frank"}, {"amount", 7}}));
  expect_balance("frank", "7");

  for (auto* u : {"frank", "grace"}) {
    auto bill = ok(u, "token.bill");
    EXPECT_EQ(bill.value("total", "?"), balance(u)) << u << ": " << bill.dump();
  }
  auto bill = ok("grace", "token.bill");
  std::map<std::string, int> kinds;
  for (auto& e : bill["entries"])
    ++kinds[e.value("kind", "?")];
  EXPECT_EQ(kinds["transfer-in"], 1);
  EXPECT_EQ(kinds["burn"], 1);
  EXPECT_EQ(kinds["recovery-in"], 1);
}

INSTANTIATE_TEST_SUITE_P(Placement, TokenOps, ::testing::Values(placement::in_process), placement_name);

} // namespace
} // namespace petrade::test
