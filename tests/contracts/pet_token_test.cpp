// PetToken on a real devnet: the registry, top-ups that pay once per
// payment, transfers and their gates (registration, freezing, pausing,
// markets) and the platform's forced transfer, with every revert reason.
#include "tests/support/chain_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using test::is_event;
using test::json;
using test::tag32;
using eth::abi::value;

const eth::private_key platform = test::dev_key(0);
const eth::private_key alice = test::dev_key(1);
const eth::private_key bob = test::dev_key(2);
const eth::private_key carol = test::dev_key(3);   // not registered at the start
const eth::address nobody = eth::address::parse("0x000000000000000000000000000000000000dEaD");
const eth::address zero{};

class PetTokenTest : public test::deployed_once<PetTokenTest> {
public:
  // alice and bob registered, alice topped up with 100 PET.
  static void deploy(test::chain& c) {
    auto art = eth::load_contract_artifact("PetToken");
    deploy_receipt_ = c.transact(platform, std::nullopt, art.deploy_data({}));
    token_.emplace(c, art,
                   eth::address::parse(deploy_receipt_.at("contractAddress").get<std::string>()));
    token_->send(platform, "register", {alice.address()});
    token_->send(platform, "register", {bob.address()});
    token_->send(platform, "mint", {alice.address(), 100u, tag32("pay-alice")});
  }

protected:
  const test::contract& token() const { return *token_; }
  eth::uint256 balance(const eth::address& a) const {
    return token().view("balanceOf", {a}).as_uint();
  }
  bool flag(const char* view, const eth::address& a) const {
    return token().view(view, {a}).as_bool();
  }
  std::vector<test::event> send(const eth::private_key& k, const char* fn, const test::abi_args& a) {
    auto r = token().send(k, fn, a);
    EXPECT_EQ(r.at("status"), "0x1") << fn;
    return test::chain::events(r, {&token()});
  }

  static inline json deploy_receipt_;
  static inline std::optional<test::contract> token_;
};

TEST_F(PetTokenTest, ConstructorMakesTheDeployerThePlatform) {
  EXPECT_EQ(token().view("name").as_string(), "Pet Token");
  EXPECT_EQ(token().view("symbol").as_string(), "PET");
  EXPECT_EQ(token().view("decimals").as_uint(), 0u);
  EXPECT_EQ(token().view("platform").as_address(), platform.address());
  EXPECT_TRUE(flag("registered", platform.address()));
  EXPECT_FALSE(token().view("paused").as_bool());
  EXPECT_EQ(token().view("totalSupply").as_uint(), 100u);
  auto ev = test::chain::events(deploy_receipt_, {&token()});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Registered", {{"account", platform.address()}}));
}

TEST_F(PetTokenTest, PlatformRegistersAndUnregisters) {
  auto ev = send(platform, "register", {carol.address()});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Registered", {{"account", carol.address()}}));
  EXPECT_TRUE(flag("registered", carol.address()));
  EXPECT_TRUE(token().reverts_mined(platform, "register", {carol.address()}, "already registered"));
  EXPECT_TRUE(token().reverts(platform, "register", {zero}, "zero address"));
  EXPECT_TRUE(token().reverts(alice, "register", {nobody}, "not platform"));

  ev = send(platform, "unregister", {carol.address()});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Unregistered", {{"account", carol.address()}}));
  EXPECT_FALSE(flag("registered", carol.address()));
  EXPECT_TRUE(token().reverts_mined(platform, "unregister", {carol.address()}, "not registered"));
  EXPECT_TRUE(token().reverts(alice, "unregister", {bob.address()}, "not platform"));
}

TEST_F(PetTokenTest, AllowingAMarketRegistersIt) {
  auto ev = send(platform, "setMarket", {carol.address(), true});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(is_event(ev[0], "Registered", {{"account", carol.address()}}));
  EXPECT_TRUE(is_event(ev[1], "MarketSet", {{"market", carol.address()}, {"allowed", true}}));
  EXPECT_TRUE(flag("markets", carol.address()));
  EXPECT_TRUE(flag("registered", carol.address()));

  // Disallowed, it stays registered so escrow it holds can still leave.
  ev = send(platform, "setMarket", {carol.address(), false});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "MarketSet", {{"market", carol.address()}, {"allowed", false}}));
  EXPECT_FALSE(flag("markets", carol.address()));
  EXPECT_TRUE(flag("registered", carol.address()));

  ev = send(platform, "setMarket", {bob.address(), true});   // already registered
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].name, "MarketSet");
  EXPECT_TRUE(token().reverts(platform, "setMarket", {zero, true}, "zero address"));
  EXPECT_TRUE(token().reverts_mined(alice, "setMarket", {alice.address(), true}, "not platform"));
}

TEST_F(PetTokenTest, MintPaysEachPaymentOnce) {
  auto ref = tag32("pay-bob-1");
  auto ev = send(platform, "mint", {bob.address(), 50u, ref});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(is_event(ev[0], "TopUp", {{"to", bob.address()}, {"amount", 50u}, {"paymentRef", ref}}));
  EXPECT_TRUE(is_event(ev[1], "Transfer", {{"from", zero}, {"to", bob.address()}, {"value", 50u}}));
  EXPECT_EQ(balance(bob.address()), 50u);
  EXPECT_EQ(token().view("totalSupply").as_uint(), 150u);
  EXPECT_TRUE(token().view("paymentUsed", {ref}).as_bool());

  // A retried top-up of the same payment is refused, for anyone.
  EXPECT_TRUE(token().reverts_mined(platform, "mint", {bob.address(), 50u, ref}, "payment already used"));
  EXPECT_TRUE(token().reverts(platform, "mint", {alice.address(), 7u, ref}, "payment already used"));
  EXPECT_EQ(balance(bob.address()), 50u);
  EXPECT_EQ(token().view("totalSupply").as_uint(), 150u);
}

TEST_F(PetTokenTest, MintRefusesBadTopUpsWithoutUsingThePayment) {
  auto ref = tag32("pay-carol");
  EXPECT_TRUE(token().reverts(alice, "mint", {alice.address(), 5u, ref}, "not platform"));
  EXPECT_TRUE(token().reverts(platform, "mint", {bob.address(), 0u, ref}, "zero amount"));
  EXPECT_TRUE(token().reverts_mined(platform, "mint", {carol.address(), 5u, ref}, "not registered"));
  EXPECT_TRUE(token().reverts(platform, "mint", {bob.address(), 5u, eth::hash256{}}, "empty payment ref"));
  send(platform, "freeze", {bob.address()});
  EXPECT_TRUE(token().reverts(platform, "mint", {bob.address(), 5u, ref}, "frozen"));
  EXPECT_FALSE(token().view("paymentUsed", {ref}).as_bool());

  // Once the account is registered the same payment goes through.
  send(platform, "register", {carol.address()});
  send(platform, "mint", {carol.address(), 5u, ref});
  EXPECT_EQ(balance(carol.address()), 5u);
}

TEST_F(PetTokenTest, BurnDestroysTheSendersTokens) {
  auto ev = send(alice, "burn", {30u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Transfer", {{"from", alice.address()}, {"to", zero}, {"value", 30u}}));
  EXPECT_EQ(balance(alice.address()), 70u);
  EXPECT_EQ(token().view("totalSupply").as_uint(), 70u);
  EXPECT_TRUE(token().reverts(alice, "burn", {0u}, "zero amount"));
  EXPECT_TRUE(token().reverts_mined(alice, "burn", {71u}, "insufficient balance"));
  EXPECT_TRUE(token().reverts(bob, "burn", {1u}, "insufficient balance"));
  send(platform, "freeze", {alice.address()});
  EXPECT_TRUE(token().reverts_mined(alice, "burn", {1u}, "frozen"));
  EXPECT_EQ(balance(alice.address()), 70u);
}

TEST_F(PetTokenTest, TransferMovesBetweenRegisteredAccounts) {
  auto call = token().view_all("transfer", {bob.address(), 40u}, alice.address());
  EXPECT_TRUE(call.at(0).as_bool());
  auto ev = send(alice, "transfer", {bob.address(), 40u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Transfer",
                       {{"from", alice.address()}, {"to", bob.address()}, {"value", 40u}}));
  EXPECT_EQ(balance(alice.address()), 60u);
  EXPECT_EQ(balance(bob.address()), 40u);
  EXPECT_EQ(token().view("totalSupply").as_uint(), 100u);

  EXPECT_TRUE(token().reverts(alice, "transfer", {bob.address(), 0u}, "zero amount"));
  EXPECT_TRUE(token().reverts_mined(alice, "transfer", {bob.address(), 61u}, "insufficient balance"));
  EXPECT_TRUE(token().reverts_mined(alice, "transfer", {carol.address(), 1u}, "not registered"));
  EXPECT_TRUE(token().reverts(carol, "transfer", {alice.address(), 1u}, "not registered"));
  // Unregistered with a balance: the tokens are stuck until the platform acts.
  send(platform, "unregister", {bob.address()});
  EXPECT_TRUE(token().reverts(bob, "transfer", {alice.address(), 1u}, "not registered"));
  EXPECT_EQ(balance(alice.address()), 60u);
  EXPECT_EQ(balance(bob.address()), 40u);
}

TEST_F(PetTokenTest, FrozenAccountsNeitherSendNorReceive) {
  auto ev = send(platform, "freeze", {bob.address()});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Frozen", {{"account", bob.address()}}));
  EXPECT_TRUE(flag("frozen", bob.address()));
  EXPECT_TRUE(token().reverts_mined(alice, "transfer", {bob.address(), 1u}, "frozen"));

  ev = send(platform, "unfreeze", {bob.address()});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Unfrozen", {{"account", bob.address()}}));
  EXPECT_FALSE(flag("frozen", bob.address()));
  send(alice, "transfer", {bob.address(), 1u});

  send(platform, "freeze", {alice.address()});
  EXPECT_TRUE(token().reverts(alice, "transfer", {bob.address(), 1u}, "frozen"));
  EXPECT_TRUE(token().reverts(alice, "freeze", {bob.address()}, "not platform"));
  EXPECT_TRUE(token().reverts(alice, "unfreeze", {alice.address()}, "not platform"));
  EXPECT_EQ(balance(bob.address()), 1u);
}

TEST_F(PetTokenTest, PauseStopsEverythingButForcedTransfer) {
  send(platform, "setMarket", {carol.address(), true});
  auto ev = send(platform, "pause", {});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Paused", {{"by", platform.address()}}));
  EXPECT_TRUE(token().view("paused").as_bool());
  EXPECT_TRUE(token().reverts_mined(platform, "pause", {}, "paused"));
  EXPECT_TRUE(token().reverts_mined(alice, "transfer", {bob.address(), 1u}, "paused"));
  EXPECT_TRUE(token().reverts(platform, "mint", {bob.address(), 1u, tag32("p")}, "paused"));
  EXPECT_TRUE(token().reverts(alice, "burn", {1u}, "paused"));
  EXPECT_TRUE(token().reverts(carol, "marketTransfer", {alice.address(), bob.address(), 1u}, "paused"));
  // Authorisation is checked before the pause: a stranger is just refused.
  EXPECT_TRUE(token().reverts(bob, "marketTransfer", {alice.address(), bob.address(), 1u}, "not a market"));

  ev = send(platform, "forcedTransfer", {alice.address(), bob.address(), 10u});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].name, "ForcedTransfer");
  EXPECT_EQ(balance(bob.address()), 10u);

  EXPECT_TRUE(token().reverts(alice, "unpause", {}, "not platform"));
  ev = send(platform, "unpause", {});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Unpaused", {{"by", platform.address()}}));
  EXPECT_FALSE(token().view("paused").as_bool());
  EXPECT_TRUE(token().reverts_mined(platform, "unpause", {}, "not paused"));
  EXPECT_TRUE(token().reverts(alice, "pause", {}, "not platform"));
  send(alice, "transfer", {bob.address(), 1u});
  EXPECT_EQ(balance(bob.address()), 11u);
}

TEST_F(PetTokenTest, OnlyMarketsMoveOtherPeoplesTokens) {
  EXPECT_TRUE(token().reverts_mined(bob, "marketTransfer", {alice.address(), bob.address(), 1u},
                                    "not a market"));
  EXPECT_TRUE(token().reverts(platform, "marketTransfer", {alice.address(), bob.address(), 1u},
                              "not a market"));
  send(platform, "setMarket", {carol.address(), true});   // an account standing in for a contract
  auto ev = send(carol, "marketTransfer", {alice.address(), bob.address(), 25u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "Transfer",
                       {{"from", alice.address()}, {"to", bob.address()}, {"value", 25u}}));
  EXPECT_EQ(balance(alice.address()), 75u);
  EXPECT_EQ(balance(bob.address()), 25u);

  // The same gates as transfer().
  auto mt = [&](const eth::address& from, const eth::address& to, unsigned amount, const char* why) {
    return token().reverts(carol, "marketTransfer", {from, to, amount}, why);
  };
  EXPECT_TRUE(mt(alice.address(), nobody, 1, "not registered"));
  EXPECT_TRUE(mt(nobody, alice.address(), 1, "not registered"));
  EXPECT_TRUE(mt(alice.address(), bob.address(), 0, "zero amount"));
  EXPECT_TRUE(mt(alice.address(), bob.address(), 76, "insufficient balance"));
  send(platform, "freeze", {bob.address()});
  EXPECT_TRUE(mt(alice.address(), bob.address(), 1, "frozen"));
  EXPECT_TRUE(mt(bob.address(), alice.address(), 1, "frozen"));

  send(platform, "setMarket", {carol.address(), false});
  EXPECT_TRUE(token().reverts(carol, "marketTransfer", {alice.address(), carol.address(), 1u},
                              "not a market"));
}

TEST_F(PetTokenTest, ForcedTransferRecoversAFrozenAccount) {
  send(platform, "freeze", {alice.address()});
  auto ev = send(platform, "forcedTransfer", {alice.address(), bob.address(), 60u});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(is_event(ev[0], "ForcedTransfer",
                       {{"from", alice.address()}, {"to", bob.address()}, {"amount", 60u}}));
  EXPECT_TRUE(is_event(ev[1], "Transfer",
                       {{"from", alice.address()}, {"to", bob.address()}, {"value", 60u}}));
  EXPECT_EQ(balance(alice.address()), 40u);
  EXPECT_EQ(balance(bob.address()), 60u);

  // An unregistered source is no obstacle either: that is how stuck tokens leave.
  send(platform, "unregister", {alice.address()});
  send(platform, "forcedTransfer", {alice.address(), bob.address(), 40u});
  EXPECT_EQ(balance(bob.address()), 100u);

  EXPECT_TRUE(token().reverts(bob, "forcedTransfer", {bob.address(), bob.address(), 1u}, "not platform"));
  EXPECT_TRUE(token().reverts_mined(platform, "forcedTransfer", {bob.address(), carol.address(), 1u},
                                    "not registered"));
  EXPECT_TRUE(token().reverts(platform, "forcedTransfer", {bob.address(), platform.address(), 0u},
                              "zero amount"));
  EXPECT_TRUE(token().reverts(platform, "forcedTransfer", {bob.address(), platform.address(), 101u},
                              "insufficient balance"));
  send(platform, "freeze", {platform.address()});
  EXPECT_TRUE(token().reverts(platform, "forcedTransfer", {bob.address(), platform.address(), 1u},
                              "frozen"));
}

} // namespace
