// Issue 8 through the business actors, in one process and with the actors in
// a worker process: an admin opens a round over the platform's own services,
// three raters put different score sheets on chain with their own keys, and
// the ranking the actor computes from the chain is the one the evaluation
// model gives for the same means, worked out here by hand.
#include "tests/business/business_fixture.hpp"

#include "actors/evaluation_model.hpp"

#include <cmath>
#include <numeric>

namespace petrade::test {
namespace {

namespace ev = evaluation;
using sheet = std::vector<std::vector<int>>;

// One row per subject, one column per default dimension (A1..A6).
const sheet alice_scores{{9, 8, 7, 8, 6, 5}, {6, 7, 8, 5, 7, 6}, {4, 5, 6, 7, 8, 9}};
const sheet bob_scores{{8, 8, 8, 7, 6, 6}, {7, 6, 9, 6, 8, 5}, {5, 5, 5, 8, 7, 9}};
const sheet carol_scores{{10, 9, 6, 8, 7, 4}, {5, 8, 7, 6, 6, 7}, {6, 4, 7, 6, 9, 8}};

class Evaluation : public BusinessFixture {
public:
  business_reply admin(const std::string& op, const json& body) { return call("admin", op, body, "admin"); }

  /// Reads the round until `n` sheets show: reads go to whichever node the
  /// dispatcher picks, which may be a block behind the one that mined.
  json round_with(std::uint64_t round, std::uint64_t n) {
    json doc;
    for (int i = 0; i < 100; ++i) {
      doc = ok("alice", "evaluation.get", {{"round", round}});
      if (doc.value("submissions", std::uint64_t{0}) >= n)
        break;
      std::this_thread::sleep_for(100ms);
    }
    return doc;
  }
};

void expect_finite_weights(const json& w, const char* which) {
  ASSERT_TRUE(w.contains(which)) << w.dump();
  double sum = 0;
  for (auto& x : w[which]) {
    ASSERT_TRUE(std::isfinite(x.get<double>())) << which << ": " << w.dump();
    sum += x.get<double>();
  }
  EXPECT_NEAR(sum, 1.0, 1e-9) << which;
}

TEST_P(Evaluation, RatersScoreThePlatformsServicesAndTheRankingIsTheModels) {
  for (auto name : {"alice", "bob", "carol", "dave"})
    sign_up(name);
  auto offered = ok("alice", "evaluation.subjects")["subjects"];
  for (auto s : {"node:node0", "node:node1", "gateway", "actor:evaluation"})
    EXPECT_NE(std::find(offered.begin(), offered.end(), s), offered.end()) << offered.dump();
  bool worker = std::find(offered.begin(), offered.end(), "worker") != offered.end();
  EXPECT_EQ(worker, GetParam() == placement::worker_process) << offered.dump();

  std::vector<std::string> subjects{"node:node0", "node:node1", "gateway"};
  json open{{"subjects", subjects}, {"closes_in_s", 600}, {"raters", {"alice", "bob", "carol"}}};
  EXPECT_EQ(call("alice", "evaluation.open", open).error, business_error::forbidden);

  // The experts' matrix must be consistent: A > B > C > A is not.
  json circular = open;
  circular["dimensions"] = {"speed", "cost", "care"};
  circular["judgment"] = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  auto refused = admin("evaluation.open", circular);
  EXPECT_EQ(refused.error, business_error::invalid);
  EXPECT_NE(refused.message.find("inconsistent"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("CR = "), std::string::npos) << refused.message;
  json stranger = open;
  stranger["raters"] = {"alice", "zed"};
  auto unknown = admin("evaluation.open", stranger);
  EXPECT_EQ(unknown.error, business_error::invalid);
  EXPECT_NE(unknown.message.find("'zed'"), std::string::npos) << unknown.message;
  json long_name = open;
  long_name["subjects"] = {"a subject whose name is longer than 31 bytes"};
  auto too_long = admin("evaluation.open", long_name);
  EXPECT_EQ(too_long.error, business_error::invalid);
  EXPECT_NE(too_long.message.find("longer than 31"), std::string::npos) << too_long.message;

  auto opened = admin("evaluation.open", open);
  ASSERT_TRUE(opened.ok()) << opened.message;
  auto accepted = json::parse(opened.body);
  mined(accepted);   // the authorisation, sent after the round was mined
  auto round = accepted.at("round").get<std::uint64_t>();

  // Before anyone rated: AHP weights alone, no ranking, nothing NaN.
  auto empty = ok("bob", "evaluation.get", {{"round", round}});
  EXPECT_EQ(empty["ranking"].size(), 0u) << empty.dump();
  expect_finite_weights(empty["weights"], "combined");
  EXPECT_EQ(empty["raters"].size(), 3u);

  EXPECT_EQ(call("alice", "evaluation.rate", {{"round", round}, {"scores", {{9, 8}}}}).error,
            business_error::invalid);
  EXPECT_EQ(call("alice", "evaluation.rate", {{"round", round}, {"scores", {{11, 8, 7, 8, 6, 5}, {6, 7, 8, 5, 7, 6}, {4, 5, 6, 7, 8, 9}}}}).error,
            business_error::invalid);
  mined(ok("alice", "evaluation.rate", {{"round", round}, {"scores", alice_scores}}));
  mined(ok("bob", "evaluation.rate", {{"round", round}, {"scores", bob_scores}}));
  mined(ok("carol", "evaluation.rate", {{"round", round}, {"scores", carol_scores}}));
  auto again = call("alice", "evaluation.rate", {{"round", round}, {"scores", alice_scores}});
  EXPECT_EQ(again.error, business_error::conflict) << again.message;
  EXPECT_NE(again.message.find("already submitted"), std::string::npos) << again.message;
  auto outsider = call("dave", "evaluation.rate", {{"round", round}, {"scores", alice_scores}});
  EXPECT_EQ(outsider.error, business_error::forbidden) << outsider.message;

  // By hand: the means, the seed's AHP weights, entropy, combination, rank.
  std::vector<std::vector<double>> means(3, std::vector<double>(6));
  for (std::size_t s = 0; s < 3; ++s)
    for (std::size_t d = 0; d < 6; ++d)
      means[s][d] = (alice_scores[s][d] + bob_scores[s][d] + carol_scores[s][d]) / 3.0;
  auto ahp = ev::ahp(ev::default_judgment());
  auto combined = ev::combine(ahp.weights, ev::entropy(means).d);
  auto expected = ev::rank(subjects, means, combined);

  auto doc = round_with(round, 3);
  ASSERT_EQ(doc["submissions"], 3) << doc.dump();
  ASSERT_EQ(doc["ranking"].size(), expected.size()) << doc.dump();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(doc["ranking"][i]["subject"], expected[i].subject);
    EXPECT_NEAR(doc["ranking"][i]["score"].get<double>(), expected[i].score, 1e-9);
    EXPECT_EQ(doc["ranking"][i]["rank"], expected[i].rank);
  }
  for (std::size_t d = 0; d < 6; ++d)
    EXPECT_NEAR(doc["table"][0][d].get<double>(), means[0][d], 1e-12);
  for (auto w : {"ahp", "entropy", "combined"})
    expect_finite_weights(doc["weights"], w);
  EXPECT_LT(doc["weights"]["cr"].get<double>(), 0.1);

  // Every rater's sheet on chain is the one its event recorded.
  for (auto& r : doc["raters"]) {
    EXPECT_EQ(r["submitted"], true) << r.dump();
    auto v = ok("dave", "evaluation.verify", {{"round", round}, {"address", r["address"]}});
    EXPECT_EQ(v["matches"], true) << v.dump();
    EXPECT_EQ(v["user"], r["user"]);
    EXPECT_GT(v["event"]["block"].get<std::uint64_t>(), 0u) << v.dump();
    if (r["user"] == "alice")
      EXPECT_EQ(v["scores"], json(alice_scores)) << v.dump();
  }

  EXPECT_EQ(call("bob", "evaluation.close", {{"round", round}}).error, business_error::forbidden);
  auto closing = admin("evaluation.close", {{"round", round}});
  ASSERT_TRUE(closing.ok()) << closing.message;
  mined(json::parse(closing.body));
  EXPECT_EQ(call("dave", "evaluation.get", {{"round", round + 100}}).error, business_error::not_found);
  auto listed = ok("dave", "evaluation.list")["rounds"];
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed[0]["round"], round);
  EXPECT_EQ(listed[0]["raters"], 3);
  EXPECT_EQ(listed[0]["subjects"], json(subjects));
}

INSTANTIATE_TEST_SUITE_P(Placement, Evaluation,
                         ::testing::Values(placement::in_process, placement::worker_process),
                         placement_name);

} // namespace
} // namespace petrade::test
