// ProjectMarket on a real devnet with the real PetToken: publishing, buying
// (payment and access in one transaction, or neither), views, downloads and
// delisting, with every revert reason.
#include "tests/support/chain_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using test::is_event;
using test::json;
using test::tag32;

const eth::private_key platform = test::dev_key(0);
const eth::private_key alice = test::dev_key(1);   // seller
const eth::private_key bob = test::dev_key(2);     // buyer
const eth::private_key carol = test::dev_key(3);   // another buyer
const eth::address zero{};

class ProjectMarketTest : public test::deployed_once<ProjectMarketTest> {
public:
  // Everyone registered; bob and carol hold 100 PET; alice has published
  // project 1 (price 30, friends only).
  static void deploy(test::chain& c) {
    auto [token, market] = test::deploy_token_and_market(c, platform, "ProjectMarket", {&alice, &bob, &carol});
    token_.emplace(std::move(token));
    market_.emplace(std::move(market));
    token_->send(platform, "mint", {bob.address(), 100u, tag32("pay-bob")});
    token_->send(platform, "mint", {carol.address(), 100u, tag32("pay-carol")});
    market_->send(alice, "publish",
                  {30u, tag32("content"), tag32("keywords"), tag32("details"), 1u});
  }

protected:
  const test::contract& token() const { return *token_; }
  const test::contract& market() const { return *market_; }
  eth::uint256 balance(const eth::private_key& k) const {
    return token().view("balanceOf", {k.address()}).as_uint();
  }
  bool access(unsigned id, const eth::address& who) const {
    return market().view("hasAccess", {id, who}).as_bool();
  }
  std::vector<test::event> send(const eth::private_key& k, const char* fn,
                                const test::abi_args& a) const {
    auto r = market().send(k, fn, a);
    EXPECT_EQ(r.at("status"), "0x1") << fn;
    return test::chain::events(r, {&token(), &market()});
  }

  static inline std::optional<test::contract> token_, market_;
};

TEST_F(ProjectMarketTest, PublishRecordsTheProject) {
  EXPECT_EQ(market().view("token").as_address(), token().address());
  auto p = market().view_all("projects", {1u});
  ASSERT_EQ(p.size(), 7u);
  EXPECT_EQ(p[0].as_address(), alice.address());
  EXPECT_EQ(p[1].as_uint(), 30u);
  EXPECT_EQ(p[2], eth::abi::value(tag32("content")));
  EXPECT_EQ(p[3], eth::abi::value(tag32("keywords")));
  EXPECT_EQ(p[4], eth::abi::value(tag32("details")));
  EXPECT_EQ(p[5].as_uint(), 1u);
  EXPECT_TRUE(p[6].as_bool());

  test::abi_args args{45u, tag32("c2"), tag32("k2"), eth::hash256{}, 2u};
  EXPECT_EQ(market().view_all("publish", args, carol.address()).at(0).as_uint(), 2u);
  auto ev = send(carol, "publish", args);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "ProjectPublished",
                       {{"id", 2u}, {"seller", carol.address()}, {"price", 45u},
                        {"contentHash", tag32("c2")}, {"keywordsHash", tag32("k2")},
                        {"detailsHash", eth::hash256{}}, {"visibility", 2u}}));
  EXPECT_EQ(market().view("projectCount").as_uint(), 2u);
  send(carol, "publish", {1u, tag32("c3"), tag32("k3"), tag32("d3"), 0u});
  EXPECT_EQ(market().view("projectCount").as_uint(), 3u);
}

TEST_F(ProjectMarketTest, PublishRefusesIncompleteProjects) {
  EXPECT_TRUE(market().reverts_mined(alice, "publish",
                                     {0u, tag32("c"), tag32("k"), tag32("d"), 0u}, "zero price"));
  EXPECT_TRUE(market().reverts(alice, "publish",
                               {5u, eth::hash256{}, tag32("k"), tag32("d"), 0u}, "empty content"));
  EXPECT_TRUE(market().reverts_mined(alice, "publish",
                                     {5u, tag32("c"), tag32("k"), tag32("d"), 3u}, "bad visibility"));
  EXPECT_EQ(market().view("projectCount").as_uint(), 1u);
}

TEST_F(ProjectMarketTest, BuyPaysTheSellerAndGrantsAccess) {
  EXPECT_FALSE(access(1, bob.address()));
  auto ev = send(bob, "buy", {1u});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].emitter, token().address());
  EXPECT_TRUE(is_event(ev[0], "Transfer",
                       {{"from", bob.address()}, {"to", alice.address()}, {"value", 30u}}));
  EXPECT_EQ(ev[1].emitter, market().address());
  EXPECT_TRUE(is_event(ev[1], "ProjectPurchased",
                       {{"id", 1u}, {"buyer", bob.address()}, {"seller", alice.address()},
                        {"price", 30u}}));
  EXPECT_EQ(balance(bob), 70u);
  EXPECT_EQ(balance(alice), 30u);
  EXPECT_TRUE(access(1, bob.address()));
  EXPECT_TRUE(access(1, alice.address()));
  EXPECT_FALSE(access(1, carol.address()));
  // Unknown projects have no seller, which must not let the zero address in.
  EXPECT_FALSE(access(99, zero));
  EXPECT_FALSE(access(1, zero));

  EXPECT_TRUE(market().reverts_mined(bob, "buy", {1u}, "already bought"));
  EXPECT_TRUE(market().reverts(alice, "buy", {1u}, "own project"));
  EXPECT_TRUE(market().reverts(bob, "buy", {99u}, "not listed"));
  EXPECT_EQ(balance(bob), 70u);
}

TEST_F(ProjectMarketTest, ARefusedPaymentGrantsNoAccess) {
  auto refused = [&](const eth::private_key& buyer, const char* why) {
    EXPECT_TRUE(market().reverts_mined(buyer, "buy", {1u}, why)) << why;
    EXPECT_FALSE(access(1, buyer.address())) << why;
  };
  send(platform, "publish", {1000u, tag32("big"), tag32("k"), tag32("d"), 0u});
  EXPECT_TRUE(market().reverts(bob, "buy", {2u}, "insufficient balance"));
  EXPECT_FALSE(access(2, bob.address()));

  token().send(platform, "freeze", {carol.address()});
  refused(carol, "frozen");
  token().send(platform, "unregister", {bob.address()});
  refused(bob, "not registered");
  token().send(platform, "pause", {});
  refused(platform, "paused");
  token().send(platform, "unpause", {});
  token().send(platform, "setMarket", {market().address(), false});
  refused(platform, "not a market");
  EXPECT_EQ(balance(alice), 0u);
}

TEST_F(ProjectMarketTest, ViewsAreOpenDownloadsNeedAccess) {
  auto ev = send(carol, "recordView", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "ProjectViewed", {{"id", 1u}, {"viewer", carol.address()}}));
  EXPECT_TRUE(market().reverts_mined(carol, "recordView", {99u}, "no such project"));

  EXPECT_TRUE(market().reverts_mined(bob, "recordDownload", {1u}, "no access"));
  EXPECT_TRUE(market().reverts(bob, "recordDownload", {99u}, "no access"));
  ev = send(alice, "recordDownload", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "ProjectDownloaded", {{"id", 1u}, {"by", alice.address()}}));
  send(bob, "buy", {1u});
  ev = send(bob, "recordDownload", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "ProjectDownloaded", {{"id", 1u}, {"by", bob.address()}}));
}

TEST_F(ProjectMarketTest, DelistStopsSalesButBuyersKeepAccess) {
  send(bob, "buy", {1u});
  EXPECT_TRUE(market().reverts_mined(bob, "delist", {1u}, "not seller"));
  EXPECT_TRUE(market().reverts(alice, "delist", {99u}, "not seller"));
  auto ev = send(alice, "delist", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "ProjectDelisted", {{"id", 1u}}));
  EXPECT_FALSE(market().view_all("projects", {1u}).at(6).as_bool());
  EXPECT_TRUE(market().reverts_mined(alice, "delist", {1u}, "not listed"));

  EXPECT_TRUE(market().reverts_mined(carol, "buy", {1u}, "not listed"));
  EXPECT_EQ(balance(carol), 100u);
  EXPECT_TRUE(access(1, bob.address()));
  send(bob, "recordDownload", {1u});
  send(carol, "recordView", {1u});
}

} // namespace
