// Evaluation on a real devnet: rounds opened by the platform, raters
// authorised, score sheets submitted once and read back exactly as their
// events carried them, expiry with anvil's clock moved forward, closing, and
// every revert reason.
#include "tests/support/chain_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace petrade;
using eth::abi::value;
using eth::abi::value_list;
using test::is_event;
using test::json;
using test::tag32;

const eth::private_key platform = test::dev_key(0);  // admin, not a rater
const eth::private_key alice = test::dev_key(1);     // rater of round 1
const eth::private_key bob = test::dev_key(2);       // rater of round 1
const eth::private_key carol = test::dev_key(3);     // not authorised until a test says so

constexpr unsigned subject_count = 3, dimension_count = 6, sheet_size = 18;

/// `n` distinct ids: keccak of "<prefix>0", "<prefix>1", ...
value ids(const std::string& prefix, unsigned n) {
  value_list v;
  for (unsigned i = 0; i < n; ++i)
    v.emplace_back(tag32(prefix + std::to_string(i)));
  return value(std::move(v));
}

value list(const std::vector<unsigned>& scores) {
  return value(value_list(scores.begin(), scores.end()));
}

const value subjects = value::list({tag32("node:node0"), tag32("node:node1"), tag32("project:7")});
const value dimensions =
  value::list({tag32("availability"), tag32("latency"), tag32("throughput"), tag32("cost"),
               tag32("security"), tag32("documentation")});

/// What rater `r` gives subject `s` on dimension `d`: every value 1..10
/// occurs, and no two raters hand in the same sheet.
unsigned score(unsigned r, unsigned s, unsigned d) {
  return 1 + (r * 7 + s * 3 + d * 5) % 10;
}

/// Rater `r`'s sheet for round 1, subject-major.
std::vector<unsigned> sheet(unsigned r) {
  std::vector<unsigned> out;
  for (unsigned s = 0; s < subject_count; ++s)
    for (unsigned d = 0; d < dimension_count; ++d)
      out.push_back(score(r, s, d));
  return out;
}

std::uint64_t gas_used(const json& receipt) {
  return static_cast<std::uint64_t>(
    eth::from_quantity(receipt.at("gasUsed").get<std::string>()));
}

class EvaluationTest : public test::deployed_once<EvaluationTest> {
public:
  // Round 1 rates three subjects on six dimensions, closes in an hour, and
  // has alice and bob as its raters.
  static void deploy(test::chain& c) {
    eval_.emplace(c.deploy(platform, eth::load_contract_artifact("Evaluation")));
    closes_ = c.timestamp() + 3600;
    eval_->send(platform, "openRound", {subjects, dimensions, closes_});
    eval_->send(platform, "authorise", {1u, value::list({alice.address(), bob.address()})});
  }

protected:
  test::chain& chain() const { return *chain_; }
  const test::contract& eval() const { return *eval_; }
  std::vector<test::event> events(const json& receipt) const {
    EXPECT_EQ(receipt.at("status"), "0x1");
    return test::chain::events(receipt, {&eval()});
  }
  std::vector<test::event> send(const eth::private_key& k, const char* fn,
                                const test::abi_args& a) const {
    return events(eval().send(k, fn, a));
  }
  std::vector<value> info(unsigned round) const { return eval().view_all("roundInfo", {round}); }
  std::vector<value> scores_of(unsigned round, const eth::private_key& k) const {
    return eval().view_all("scoresOf", {round, k.address()});
  }

  static inline std::optional<test::contract> eval_;
  static inline std::uint64_t closes_ = 0;
};

TEST_F(EvaluationTest, TheDeployerIsAdminAndRoundOneIsOpen) {
  EXPECT_EQ(eval().view("admin").as_address(), platform.address());
  EXPECT_EQ(eval().view("MAX_SCORE").as_uint(), 10u);
  EXPECT_EQ(eval().view("roundCount").as_uint(), 1u);
  auto r = info(1);
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0], subjects);
  EXPECT_EQ(r[1], dimensions);
  EXPECT_EQ(r[2].as_uint(), closes_);
  EXPECT_FALSE(r[3].as_bool());
  EXPECT_EQ(r[4].as_uint(), 2u);
  EXPECT_EQ(r[5].as_uint(), 0u);
}

TEST_F(EvaluationTest, OpeningARoundNumbersItAndAnnouncesIt) {
  auto closes = chain().timestamp() + 600;
  test::abi_args args{value::list({tag32("node:node3")}), dimensions, closes};
  EXPECT_EQ(eval().view_all("openRound", args, platform.address()).at(0).as_uint(), 2u);
  auto receipt = eval().send(platform, "openRound", args);
  auto ev = events(receipt);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "RoundOpened",
                       {{"round", 2u}, {"subjects", value::list({tag32("node:node3")})},
                        {"dimensions", dimensions}, {"closesAt", closes}}));
  EXPECT_TRUE(ev[0].fields[0].indexed);
  RecordProperty("openRound_1x6_gas", std::to_string(gas_used(receipt)));
  EXPECT_EQ(eval().view("roundCount").as_uint(), 2u);

  auto r = info(2);
  EXPECT_EQ(r[0], value::list({tag32("node:node3")}));
  EXPECT_EQ(r[1], dimensions);
  EXPECT_EQ(r[2].as_uint(), closes);
  EXPECT_FALSE(r[3].as_bool());
  EXPECT_EQ(r[4].as_uint(), 0u);
  EXPECT_EQ(r[5].as_uint(), 0u);
  // Round 1 is untouched: its raters are its own.
  EXPECT_EQ(info(1)[4].as_uint(), 2u);
  EXPECT_FALSE(eval().view("isRater", {2u, alice.address()}).as_bool());

  // The same subjects may be rated again in a later round.
  auto third = eval().send(platform, "openRound", {subjects, dimensions, closes});
  ASSERT_EQ(events(third).size(), 1u);
  RecordProperty("openRound_3x6_gas", std::to_string(gas_used(third)));
  EXPECT_EQ(eval().view("roundCount").as_uint(), 3u);
}

TEST_F(EvaluationTest, OpenRoundRefusesBadRounds) {
  auto now = chain().timestamp();
  auto later = now + 600;
  auto refused = [&](const eth::private_key& k, const value& s, const value& d,
                     std::uint64_t at, const char* why) {
    return eval().reverts_mined(k, "openRound", {s, d, at}, why);
  };
  EXPECT_TRUE(refused(alice, subjects, dimensions, later, "not admin"));
  EXPECT_TRUE(refused(platform, subjects, dimensions, now, "closing time in the past"));
  EXPECT_TRUE(eval().reverts(platform, "openRound", {subjects, dimensions, now - 1},
                             "closing time in the past"));
  EXPECT_TRUE(refused(platform, value::list({}), dimensions, later, "no subjects"));
  EXPECT_TRUE(refused(platform, subjects, value::list({}), later, "no dimensions"));
  EXPECT_TRUE(refused(platform, ids("s", 33), dimensions, later, "too many subjects"));
  EXPECT_TRUE(refused(platform, subjects, ids("d", 17), later, "too many dimensions"));
  auto s = ids("s", 32).as_list();
  s[31] = s[4];
  EXPECT_TRUE(refused(platform, value(s), dimensions, later, "duplicate subject"));
  auto d = ids("d", 16).as_list();
  d[1] = d[0];
  EXPECT_TRUE(refused(platform, subjects, value(d), later, "duplicate dimension"));
  // A subject id may also serve as a dimension name: they are separate lists.
  EXPECT_EQ(eval().view_all("openRound", {subjects, subjects, later}, platform.address())
              .at(0).as_uint(), 2u);
  EXPECT_EQ(eval().view("roundCount").as_uint(), 1u);
}

TEST_F(EvaluationTest, AuthorisingIsIdempotent) {
  EXPECT_TRUE(eval().view("isRater", {1u, alice.address()}).as_bool());
  EXPECT_TRUE(eval().view("isRater", {1u, bob.address()}).as_bool());
  EXPECT_FALSE(eval().view("isRater", {1u, carol.address()}).as_bool());
  EXPECT_FALSE(eval().view("isRater", {1u, platform.address()}).as_bool());

  // alice already is one and carol comes twice: carol is announced once.
  auto ev = send(platform, "authorise",
                 {1u, value::list({carol.address(), alice.address(), carol.address()})});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "RaterAuthorised", {{"round", 1u}, {"rater", carol.address()}}));
  EXPECT_TRUE(eval().view("isRater", {1u, carol.address()}).as_bool());

  EXPECT_TRUE(send(platform, "authorise", {1u, value::list({carol.address(), bob.address()})})
                .empty());
  EXPECT_TRUE(send(platform, "authorise", {1u, value::list({})}).empty());
  EXPECT_EQ(eval().view("ratersOf", {1u}),
            value::list({alice.address(), bob.address(), carol.address()}));
  EXPECT_EQ(info(1)[4].as_uint(), 3u);
}

TEST_F(EvaluationTest, AuthoriseRefusals) {
  auto raters = value::list({carol.address()});
  EXPECT_TRUE(eval().reverts_mined(alice, "authorise", {1u, raters}, "not admin"));
  EXPECT_TRUE(eval().reverts_mined(platform, "authorise", {0u, raters}, "no such round"));
  EXPECT_TRUE(eval().reverts(platform, "authorise", {2u, raters}, "no such round"));
  EXPECT_FALSE(eval().view("isRater", {1u, carol.address()}).as_bool());
  EXPECT_EQ(info(1)[4].as_uint(), 2u);
}

TEST_F(EvaluationTest, AFullRoundReadsBackExactly) {
  send(platform, "authorise", {1u, value::list({carol.address()})});
  const eth::private_key* raters[] = {&alice, &bob, &carol};
  for (unsigned r = 0; r < 3; ++r) {
    auto receipt = eval().send(*raters[r], "submit", {1u, list(sheet(r))});
    auto ev = events(receipt);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(is_event(ev[0], "ScoresSubmitted",
                         {{"round", 1u}, {"rater", raters[r]->address()},
                          {"scores", list(sheet(r))}}));
    if (r == 0)
      RecordProperty("submit_3x6_gas", std::to_string(gas_used(receipt)));

    auto back = scores_of(1, *raters[r]);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_TRUE(back[0].as_bool());
    EXPECT_EQ(back[1], ev[0]["scores"]);
    ASSERT_EQ(back[1].as_list().size(), sheet_size);
    for (unsigned s = 0; s < subject_count; ++s)
      for (unsigned d = 0; d < dimension_count; ++d)
        EXPECT_EQ(back[1][s * dimension_count + d].as_uint(), score(r, s, d))
          << "rater " << r << " subject " << s << " dimension " << d;
    EXPECT_EQ(info(1)[5].as_uint(), r + 1);
  }

  // A rater's sheet is final, even with other scores.
  EXPECT_TRUE(eval().reverts_mined(alice, "submit", {1u, list(sheet(2))}, "already submitted"));
  EXPECT_EQ(scores_of(1, alice)[1], list(sheet(0)));

  auto ev = send(platform, "close", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "RoundClosed", {{"round", 1u}, {"submissions", 3u}}));
  auto r = info(1);
  EXPECT_TRUE(r[3].as_bool());
  EXPECT_EQ(r[4].as_uint(), 3u);
  EXPECT_EQ(r[5].as_uint(), 3u);
  // Closing freezes the round but keeps everything readable.
  EXPECT_EQ(scores_of(1, bob)[1], list(sheet(1)));
}

TEST_F(EvaluationTest, OnlyAuthorisedRatersSubmit) {
  EXPECT_TRUE(eval().reverts_mined(carol, "submit", {1u, list(sheet(2))}, "not a rater"));
  // Opening rounds does not make the admin a rater.
  EXPECT_TRUE(eval().reverts_mined(platform, "submit", {1u, list(sheet(0))}, "not a rater"));
  // A rater of round 1 is nobody in round 2.
  send(platform, "openRound", {subjects, dimensions, closes_});
  EXPECT_TRUE(eval().reverts(alice, "submit", {2u, list(sheet(0))}, "not a rater"));

  auto nothing = scores_of(1, carol);
  EXPECT_FALSE(nothing[0].as_bool());
  EXPECT_TRUE(nothing[1].as_list().empty());
  EXPECT_EQ(info(1)[5].as_uint(), 0u);
}

TEST_F(EvaluationTest, SubmitRefusesMalformedSheets) {
  auto refused = [&](const std::vector<unsigned>& s, const char* why) {
    return eval().reverts_mined(alice, "submit", {1u, list(s)}, why);
  };
  EXPECT_TRUE(eval().reverts_mined(alice, "submit", {0u, list(sheet(0))}, "no such round"));
  EXPECT_TRUE(eval().reverts(alice, "submit", {2u, list(sheet(0))}, "no such round"));
  auto s = sheet(0);
  EXPECT_TRUE(refused({}, "wrong number of scores"));
  EXPECT_TRUE(refused(std::vector<unsigned>(s.begin(), s.end() - 1), "wrong number of scores"));
  auto longer = s;
  longer.push_back(5);
  EXPECT_TRUE(refused(longer, "wrong number of scores"));
  for (unsigned bad : {0u, 11u, 255u}) {
    auto t = s;
    t[sheet_size - 1] = bad;
    EXPECT_TRUE(refused(t, "score out of range")) << bad;
    t = s;
    t[0] = bad;
    EXPECT_TRUE(eval().reverts(alice, "submit", {1u, list(t)}, "score out of range")) << bad;
  }
  // Refused sheets leave no trace: alice may still hand in a good one.
  EXPECT_FALSE(scores_of(1, alice)[0].as_bool());
  auto ev = send(alice, "submit", {1u, list(s)});
  EXPECT_EQ(ev.size(), 1u);
}

TEST_F(EvaluationTest, ARoundExpiresAtItsClosingTime) {
  // The last second still counts; closesAt itself is too late.
  chain().rpc("evm_setNextBlockTimestamp", json::array({closes_ - 1}));
  send(alice, "submit", {1u, list(sheet(0))});
  EXPECT_EQ(chain().timestamp(), closes_ - 1);
  chain().rpc("evm_setNextBlockTimestamp", json::array({closes_}));
  auto late = chain().transact(bob, eval().address(),
                               eval().encode("submit", {1u, list(sheet(1))}), 1'000'000);
  EXPECT_EQ(late.at("status"), "0x0");
  EXPECT_TRUE(late.at("logs").empty());
  EXPECT_EQ(chain().timestamp(), closes_);

  chain().advance_time(60);
  EXPECT_TRUE(eval().reverts_mined(bob, "submit", {1u, list(sheet(1))}, "round expired"));
  EXPECT_TRUE(eval().reverts_mined(platform, "authorise", {1u, value::list({carol.address()})},
                                   "round expired"));
  EXPECT_FALSE(scores_of(1, bob)[0].as_bool());

  // Closing an expired round records what came in time.
  auto ev = send(platform, "close", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "RoundClosed", {{"round", 1u}, {"submissions", 1u}}));
  EXPECT_TRUE(eval().reverts(bob, "submit", {1u, list(sheet(1))}, "round closed"));
}

TEST_F(EvaluationTest, ClosingEndsTheRoundEarly) {
  send(alice, "submit", {1u, list(sheet(0))});
  EXPECT_TRUE(eval().reverts_mined(alice, "close", {1u}, "not admin"));
  EXPECT_TRUE(eval().reverts_mined(platform, "close", {0u}, "no such round"));
  EXPECT_TRUE(eval().reverts(platform, "close", {2u}, "no such round"));

  auto ev = send(platform, "close", {1u});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(is_event(ev[0], "RoundClosed", {{"round", 1u}, {"submissions", 1u}}));
  EXPECT_TRUE(info(1)[3].as_bool());

  EXPECT_TRUE(eval().reverts_mined(platform, "close", {1u}, "round closed"));
  EXPECT_TRUE(eval().reverts_mined(bob, "submit", {1u, list(sheet(1))}, "round closed"));
  EXPECT_TRUE(eval().reverts_mined(platform, "authorise", {1u, value::list({carol.address()})},
                                   "round closed"));
  EXPECT_TRUE(scores_of(1, alice)[0].as_bool());
  EXPECT_EQ(info(1)[5].as_uint(), 1u);
}

TEST_F(EvaluationTest, UnknownRoundsReadAsEmpty) {
  EXPECT_TRUE(eval().reverts(alice, "roundInfo", {0u}, "no such round"));
  EXPECT_TRUE(eval().reverts(alice, "roundInfo", {2u}, "no such round"));
  EXPECT_FALSE(eval().view("isRater", {2u, alice.address()}).as_bool());
  EXPECT_TRUE(eval().view("ratersOf", {2u}).as_list().empty());
  auto s = scores_of(2, alice);
  EXPECT_FALSE(s[0].as_bool());
  EXPECT_TRUE(s[1].as_list().empty());
}

TEST_F(EvaluationTest, TheLargestRoundFitsComfortablyInABlock) {
  auto opened = eval().send(platform, "openRound", {ids("s", 32), ids("d", 16), closes_});
  ASSERT_EQ(events(opened).size(), 1u);
  send(platform, "authorise", {2u, value::list({alice.address()})});
  std::vector<unsigned> full(32 * 16);
  for (unsigned i = 0; i < full.size(); ++i)
    full[i] = 1 + i % 10;
  auto submitted = eval().send(alice, "submit", {2u, list(full)});
  ASSERT_EQ(events(submitted).size(), 1u);
  EXPECT_EQ(scores_of(2, alice)[1], list(full));
  RecordProperty("openRound_32x16_gas", std::to_string(gas_used(opened)));
  RecordProperty("submit_32x16_gas", std::to_string(gas_used(submitted)));
  // A tenth of a 30M block each leaves room for the platform's other traffic.
  EXPECT_LT(gas_used(opened), 3'000'000u);
  EXPECT_LT(gas_used(submitted), 3'000'000u);
}

} // namespace
