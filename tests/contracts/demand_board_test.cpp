// DemandBoard on a real devnet with the real PetToken: bounties held in
// escrow from publication, answers, the award, the refund after expiry (with
// anvil's clock moved forward) and every revert reason.
#include "tests/support/chain_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using test::is_event;
using test::json;
using test::tag32;

const eth::private_key platform = test::dev_key(0);
const eth::private_key alice = test::dev_key(1);   // owner of demand 1
const eth::private_key bob = test::dev_key(2);     // answerer
const eth::private_key carol = test::dev_key(3);   // answerer, holds nothing

constexpr unsigned open_state = 0, awarded_state = 1, refunded_state = 2;

class DemandBoardTest : public test::deployed_once<DemandBoardTest> {
public:
  // Everyone registered; alice and bob topped up with 100 PET; alice has
  // published demand 1 (bounty 40, an hour to go).
  static void deploy(test::chain& c) {
    auto [token, board] = test::deploy_token_and_market(c, platform, "DemandBoard", {&alice, &bob, &carol});
    token_.emplace(std::move(token));
    board_.emplace(std::move(board));
    token_->send(platform, "mint", {alice.address(), 100u, tag32("pay-alice")});
    token_->send(platform, "mint", {bob.address(), 100u, tag32("pay-bob")});
    expiry_ = c.timestamp() + 3600;
    board_->send(alice, "publish", {40u, expiry_, tag32("want"), tag32("kw")});
  }

protected:
  test::chain& chain() const { return *chain_; }
  const test::contract& token() const { return *token_; }
  const test::contract& board() const { return *board_; }
  eth::uint256 balance(const eth::address& a) const {
    return token().view("balanceOf", {a}).as_uint();
  }
  eth::uint256 state(unsigned id) const {
    return board().view_all("demands", {id}).at(5).as_uint();
  }
  std::vector<test::event> send(const eth::private_key& k, const char* fn,
                                const test::abi_args& a) const {
    auto r = board().send(k, fn, a);
    EXPECT_EQ(r.at("status"), "0x1") << fn;
    return test::chain::events(r, {&token(), &board()});
  }

  static inline std::optional<test::contract> token_, board_;
  static inline std::uint64_t expiry_ = 0;
};

TEST_F(DemandBoardTest, PublishPutsTheBountyInEscrow) {
  EXPECT_EQ(board().view("token").as_address(), token().address());
  auto d = board().view_all("demands", {1u});
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[0].as_address(), alice.address());
  EXPECT_EQ(d[1].as_uint(), 40u);
  EXPECT_EQ(d[2].as_uint(), expiry_);
  EXPECT_EQ(d[3], eth::abi::value(tag32("want")));
  EXPECT_EQ(d[4], eth::abi::value(tag32("kw")));
  EXPECT_EQ(d[5].as_uint(), open_state);
  EXPECT_EQ(d[6].as_uint(), 0u);
  EXPECT_EQ(balance(alice.address()), 60u);
  EXPECT_EQ(balance(board().address()), 40u);

  test::abi_args args{25u, expiry_ + 60, tag32("b-want"), eth::hash256{}};
  EXPECT_EQ(board().view_all("publish", args, bob.address()).at(0).as_uint(), 2u);
  auto ev = send(bob, "publish", args);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(is_event(ev[0], "Transfer",
                       {{"from", bob.address()}, {"to", board().address()}, {"value", 25u}}));
  EXPECT_TRUE(is_event(ev[1], "DemandPublished",
                       {{"id", 2u}, {"owner", bob.address()}, {"bounty", 25u},
                        {"expiry", expiry_ + 60}, {"contentHash", tag32("b-want")},
                        {"keywordsHash", eth::hash256{}}}));
  EXPECT_EQ(board().view("demandCount").as_uint(), 2u);
  EXPECT_EQ(balance(bob.address()), 75u);
  EXPECT_EQ(balance(board().address()), 65u);
}

TEST_F(DemandBoardTest, PublishRefusesBadDemandsAndUnpaidBounties) {
  auto now = chain().timestamp();
  auto refused = [&](const eth::private_key& k, const test::abi_args& a, const char* why) {
    return board().reverts_mined(k, "publish", a, why);
  };
  EXPECT_TRUE(refused(alice, {0u, expiry_, tag32("c"), tag32("k")}, "zero bounty"));
  EXPECT_TRUE(refused(alice, {5u, now - 1, tag32("c"), tag32("k")}, "expiry in the past"));
  EXPECT_TRUE(refused(alice, {5u, expiry_, eth::hash256{}, tag32("k")}, "empty content"));
  EXPECT_TRUE(refused(carol, {5u, expiry_, tag32("c"), tag32("k")}, "insufficient balance"));
  EXPECT_TRUE(refused(alice, {61u, expiry_, tag32("c"), tag32("k")}, "insufficient balance"));
  token().send(platform, "pause", {});
  EXPECT_TRUE(board().reverts(alice, "publish", {5u, expiry_, tag32("c"), tag32("k")}, "paused"));
  token().send(platform, "unpause", {});
  token().send(platform, "setMarket", {board().address(), false});
  EXPECT_TRUE(board().reverts(alice, "publish", {5u, expiry_, tag32("c"), tag32("k")},
                              "not a market"));
  EXPECT_EQ(board().view("demandCount").as_uint(), 1u);
  EXPECT_EQ(balance(alice.address()), 60u);
}

TEST_F(DemandBoardTest, EachAnswererAnswersOnce) {
  EXPECT_EQ(board().view_all("answer", {1u, tag32("a-bob")}, bob.address()).at(0).as_uint(), 0u);
  auto ev = send(bob, "answer", {1u, tag32("a-bob")});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "DemandAnswered",
                       {{"id", 1u}, {"index", 0u}, {"answerer", bob.address()},
                        {"contentHash", tag32("a-bob")}}));
  ev = send(carol, "answer", {1u, tag32("a-carol")});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "DemandAnswered",
                       {{"id", 1u}, {"index", 1u}, {"answerer", carol.address()},
                        {"contentHash", tag32("a-carol")}}));

  EXPECT_EQ(board().view_all("demands", {1u}).at(6).as_uint(), 2u);
  auto a = board().view_all("answerOf", {1u, 1u});
  EXPECT_EQ(a.at(0).as_address(), carol.address());
  EXPECT_EQ(a.at(1), eth::abi::value(tag32("a-carol")));
  EXPECT_EQ(board().view_all("answerOf", {1u, 0u}).at(0).as_address(), bob.address());
  EXPECT_TRUE(board().reverts(bob, "answerOf", {1u, 2u}, "no such answer"));
  EXPECT_TRUE(board().reverts(bob, "answerOf", {99u, 0u}, "no such answer"));
  EXPECT_TRUE(board().view("hasAnswered", {1u, bob.address()}).as_bool());
  EXPECT_FALSE(board().view("hasAnswered", {1u, platform.address()}).as_bool());

  EXPECT_TRUE(board().reverts_mined(bob, "answer", {1u, tag32("again")}, "already answered"));
  EXPECT_TRUE(board().reverts_mined(alice, "answer", {1u, tag32("mine")}, "own demand"));
  EXPECT_TRUE(board().reverts(platform, "answer", {1u, eth::hash256{}}, "empty content"));
  EXPECT_TRUE(board().reverts(bob, "answer", {99u, tag32("x")}, "no such demand"));
}

TEST_F(DemandBoardTest, AwardPaysTheChosenAnswerer) {
  send(bob, "answer", {1u, tag32("a-bob")});
  send(carol, "answer", {1u, tag32("a-carol")});
  EXPECT_TRUE(board().reverts_mined(bob, "award", {1u, 0u}, "not owner"));
  EXPECT_TRUE(board().reverts_mined(alice, "award", {1u, 2u}, "no such answer"));
  EXPECT_TRUE(board().reverts(alice, "award", {99u, 0u}, "no such demand"));

  auto ev = send(alice, "award", {1u, 1u});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(is_event(ev[0], "Transfer",
                       {{"from", board().address()}, {"to", carol.address()}, {"value", 40u}}));
  EXPECT_TRUE(is_event(ev[1], "DemandAwarded",
                       {{"id", 1u}, {"answerer", carol.address()}, {"bounty", 40u}}));
  EXPECT_EQ(state(1), awarded_state);
  EXPECT_EQ(balance(carol.address()), 40u);
  EXPECT_EQ(balance(board().address()), 0u);
  EXPECT_EQ(balance(alice.address()), 60u);

  EXPECT_TRUE(board().reverts_mined(alice, "award", {1u, 0u}, "not open"));
  EXPECT_TRUE(board().reverts(platform, "answer", {1u, tag32("late")}, "not open"));
  chain().advance_time(3601);
  EXPECT_TRUE(board().reverts(platform, "refund", {1u}, "not open"));
}

TEST_F(DemandBoardTest, TheOwnerMayStillAwardAfterExpiry) {
  send(bob, "answer", {1u, tag32("a-bob")});
  chain().advance_time(3601);
  EXPECT_GE(chain().timestamp(), expiry_);
  EXPECT_TRUE(board().reverts_mined(carol, "answer", {1u, tag32("a-carol")}, "expired"));
  auto ev = send(alice, "award", {1u, 0u});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].name, "DemandAwarded");
  EXPECT_EQ(balance(bob.address()), 140u);
}

TEST_F(DemandBoardTest, AnExpiredBountyGoesBackToItsOwner) {
  send(bob, "answer", {1u, tag32("a-bob")});
  EXPECT_TRUE(board().reverts_mined(carol, "refund", {1u}, "not expired"));
  EXPECT_TRUE(board().reverts(carol, "refund", {99u}, "no such demand"));
  chain().advance_time(3601);

  // Anyone may trigger it: here the answerer who got nothing.
  auto ev = send(carol, "refund", {1u});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(is_event(ev[0], "Transfer",
                       {{"from", board().address()}, {"to", alice.address()}, {"value", 40u}}));
  EXPECT_TRUE(is_event(ev[1], "DemandRefunded",
                       {{"id", 1u}, {"owner", alice.address()}, {"bounty", 40u}}));
  EXPECT_EQ(state(1), refunded_state);
  EXPECT_EQ(balance(alice.address()), 100u);
  EXPECT_EQ(balance(board().address()), 0u);

  EXPECT_TRUE(board().reverts_mined(platform, "refund", {1u}, "not open"));
  EXPECT_TRUE(board().reverts(alice, "award", {1u, 0u}, "not open"));
  EXPECT_TRUE(board().reverts(carol, "answer", {1u, tag32("late")}, "not open"));
}

TEST_F(DemandBoardTest, APayoutTheTokenRefusesLeavesTheDemandOpen) {
  send(bob, "answer", {1u, tag32("a-bob")});
  send(carol, "answer", {1u, tag32("a-carol")});
  token().send(platform, "freeze", {bob.address()});
  EXPECT_TRUE(board().reverts_mined(alice, "award", {1u, 0u}, "frozen"));
  EXPECT_EQ(state(1), open_state);
  send(alice, "award", {1u, 1u});
  EXPECT_EQ(balance(carol.address()), 40u);
  EXPECT_EQ(balance(bob.address()), 100u);
}

} // namespace
