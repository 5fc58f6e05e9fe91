// The soak's verdict: each of the rules can fail it on its own.
#include "bench/soak.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using petrade::bench::soak_report;

soak_report clean() {
  soak_report r;
  r.reads = 10'000;
  r.reads_ok = 10'000;
  r.acknowledged = r.mined = 500;
  r.bills = 24;
  return r;
}

TEST(SoakReport, EachRuleFailsTheSoakOnItsOwn) {
  EXPECT_TRUE(clean().passed());
  auto lost = clean();
  lost.lost = 1;
  EXPECT_FALSE(lost.passed());
  auto doubled = clean();
  doubled.doubled = 1;
  EXPECT_FALSE(doubled.passed());
  auto bill = clean();
  bill.bill_mismatches = 1;
  EXPECT_FALSE(bill.passed());
  auto reads = clean();
  reads.reads_ok = 9'989;   // 99.89 %
  EXPECT_FALSE(reads.passed());
  reads.reads_ok = 9'990;   // 99.90 %
  EXPECT_TRUE(reads.passed());
}

TEST(SoakReport, ReadsAreNotJudgedWhileThePlatformItselfWasKilled) {
  auto r = clean();
  r.reads_ok = 7'000;
  r.platform_restarts = 5;
  EXPECT_TRUE(r.passed());
  r.lost = 1;
  EXPECT_FALSE(r.passed()) << "a crash excuses failed reads, never a lost write";
}

TEST(SoakReport, TheJsonCarriesTheVerdictAndTheCounts) {
  auto r = clean();
  r.doubled = 2;
  r.findings = {"on chain, no task: 0xab"};
  auto j = nlohmann::json::parse(r.json());
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["doubled"], 2);
  EXPECT_EQ(j["findings"][0], "on chain, no task: 0xab");
  EXPECT_NE(r.markdown().find("verdict: FAILED"), std::string::npos);
}

} // namespace
