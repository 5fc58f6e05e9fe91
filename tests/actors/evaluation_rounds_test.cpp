// The evaluation actor's request rules and analysis on their own: names as
// bytes32, what an open or a score sheet must look like, and the analysis
// of a round with and without sheets.
#include "actors/evaluation_rounds.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace petrade::evaluation {
namespace {

using json = nlohmann::json;

json open_body() {
  return {{"subjects", {"node:node0", "gateway"}}, {"closes_in_s", 3600}, {"raters", {"alice", "bob"}}};
}

std::string refusal(const json& body) {
  try {
    parse_open(body);
  } catch (const evaluation_error& e) {
    return e.what();
  }
  return "";
}

TEST(EvaluationRounds, NamesAreLeftAlignedBytes32AndReadBack) {
  auto w = name_word("gateway", "subject");
  ASSERT_EQ(w.size(), 32u);
  EXPECT_EQ(w[0], 'g');
  EXPECT_EQ(w[7], 0);
  EXPECT_EQ(name_of(w), "gateway");
  EXPECT_EQ(name_of(name_word("文档完整度", "dimension")), "文档完整度");   // 15 bytes of UTF-8
  EXPECT_NO_THROW(name_word(std::string(31, 'x'), "subject"));
  EXPECT_THROW(name_word(std::string(32, 'x'), "subject"), evaluation_error);
  EXPECT_THROW(name_word("", "subject"), evaluation_error);
}

TEST(EvaluationRounds, OpenDefaultsToTheSeedsDimensionsAndJudgment) {
  auto r = parse_open(open_body());
  EXPECT_EQ(r.dimensions, default_dimensions());
  EXPECT_EQ(r.judgment, default_judgment());
  EXPECT_NEAR(r.ahp.weights[0], 0.380880, 1e-6);
  EXPECT_EQ(r.closes_in_s, 3600);
}

TEST(EvaluationRounds, OpenRefusalsNameTheProblem) {
  auto b = open_body();
  b["subjects"] = {"gateway", "gateway"};
  EXPECT_NE(refusal(b).find("'gateway' appears twice"), std::string::npos);
  b = open_body();
  b["subjects"] = {std::string(40, 'n')};
  EXPECT_NE(refusal(b).find("40 bytes long"), std::string::npos) << refusal(b);
  b = open_body();
  b["closes_in_s"] = 59;
  EXPECT_NE(refusal(b).find("'closes_in_s'"), std::string::npos);
  b["closes_in_s"] = 2592001;
  EXPECT_NE(refusal(b).find("'closes_in_s'"), std::string::npos);
  b = open_body();
  b["dimensions"] = {"speed", "cost"};
  EXPECT_NE(refusal(b).find("'judgment' is required"), std::string::npos) << refusal(b);
  b["judgment"] = {{1, 3}};
  EXPECT_NE(refusal(b).find("2×2"), std::string::npos) << refusal(b);
  b["judgment"] = {{1, 3}, {1.0 / 3, 1}};
  EXPECT_EQ(refusal(b), "");
  b["dimensions"] = {"speed", "cost", "care"};
  b["judgment"] = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  EXPECT_NE(refusal(b).find("inconsistent: CR = "), std::string::npos) << refusal(b);
  b = open_body();
  b.erase("raters");
  EXPECT_NE(refusal(b).find("'raters'"), std::string::npos);
}

TEST(EvaluationRounds, SheetsAreCheckedAndFlattenedSubjectMajor) {
  json ok{{"scores", {{1, 2, 3}, {4, 5, 10}}}};
  EXPECT_EQ(parse_sheet(ok, 2, 3), (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 10}));
  EXPECT_EQ(as_rows({1, 2, 3, 4, 5, 10}, 3), ok["scores"]);
  EXPECT_THROW(parse_sheet(ok, 3, 3), evaluation_error);
  EXPECT_THROW(parse_sheet(ok, 2, 2), evaluation_error);
  EXPECT_THROW(parse_sheet(json{{"scores", {{1, 2, 11}, {4, 5, 6}}}}, 2, 3), evaluation_error);
  EXPECT_THROW(parse_sheet(json{{"scores", {{1, 2, 0}, {4, 5, 6}}}}, 2, 3), evaluation_error);
  EXPECT_THROW(parse_sheet(json{{"scores", {{1, 2, 2.5}, {4, 5, 6}}}}, 2, 3), evaluation_error);
  try {
    parse_sheet(json{{"scores", {{1, 2, 3}, {4, 50, 6}}}}, 2, 3);
  } catch (const evaluation_error& e) {
    EXPECT_NE(std::string(e.what()).find("score (2,2)"), std::string::npos) << e.what();
  }
}

TEST(EvaluationRounds, WithoutSheetsTheWeightsAreTheAhpOnes) {
  auto doc = analyse({"a", "b"}, default_dimensions(), default_judgment(), {});
  EXPECT_TRUE(doc["ranking"].empty());
  EXPECT_TRUE(doc["table"].empty());
  EXPECT_EQ(doc["weights"]["combined"], doc["weights"]["ahp"]);
  for (auto& w : doc["weights"]["combined"])
    EXPECT_TRUE(std::isfinite(w.get<double>()));
}

TEST(EvaluationRounds, SheetsAreAveragedThenWeightedAndRanked) {
  std::vector<std::string> dims{"d1", "d2"};
  std::vector<std::vector<double>> judgment{{1, 1}, {1, 1}};
  // Subject b leads on both dimensions in the mean of the two sheets.
  auto doc = analyse({"a", "b"}, dims, judgment, {{4, 6, 8, 8}, {6, 6, 6, 10}});
  EXPECT_EQ(doc["table"], json({{5.0, 6.0}, {7.0, 9.0}}));
  ASSERT_EQ(doc["ranking"].size(), 2u);
  EXPECT_EQ(doc["ranking"][0]["subject"], "b");
  EXPECT_NEAR(doc["ranking"][0]["score"].get<double>(), 8.0, 1e-12);
  EXPECT_EQ(doc["ranking"][1]["rank"], 2);
}

TEST(EvaluationRounds, TheSuggestedSubjectsAreThePlatformsServices) {
  auto s = suggested_subjects({"node0", "node1"}, true);
  EXPECT_EQ(s, (std::vector<std::string>{"node:node0", "node:node1", "gateway", "worker", "actor:project",
                                         "actor:demand", "actor:token", "actor:account", "actor:evaluation"}));
  EXPECT_EQ(suggested_subjects({}, false).size(), 6u);
}

} // namespace
} // namespace petrade::evaluation
