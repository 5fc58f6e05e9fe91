// evaluation_model: seed 001's AHP weights from Table 1, the entropy and
// combined weights worked by hand, the degenerate inputs, the refusals and
// the ranking with ties.
#include "actors/evaluation_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

using namespace petrade::evaluation;

namespace {

using matrix = std::vector<std::vector<double>>;

// The message evaluation_error carried, or "" if none was thrown.
template <class F>
std::string refusal(F&& f) {
  try {
    f();
  } catch (const evaluation_error& e) {
    return e.what();
  }
  return "";
}

void expect_finite(const std::vector<double>& v) {
  for (double x : v)
    EXPECT_TRUE(std::isfinite(x)) << x;
}

double total(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    s += x;
  return s;
}

// The worked example (docs/evaluation.md): 4 subjects × 3 dimensions, each
// cell a subject's mean score over its raters on a 0–10 scale.
const matrix example = {
    {8.0, 7.0, 9.0},
    {6.0, 7.5, 9.0},
    {9.0, 8.0, 8.0},
    {7.0, 6.0, 9.5},
};

// A consistent 3×3 judgment (a_ij = w_i / w_j for w ∝ 4:2:1), so its AHP
// weights are exactly 4/7, 2/7, 1/7 and CR = 0: the combination step can be
// checked without carrying eigenvector digits.
const matrix consistent3 = {
    {1.0, 2.0, 4.0},
    {0.5, 1.0, 2.0},
    {0.25, 0.5, 1.0},
};

} // namespace

static_assert(std::is_base_of_v<std::invalid_argument, evaluation_error>);

TEST(evaluation_model, seed_table1_ahp_weights) {
  const auto dims = default_dimensions();
  const auto a = default_judgment();
  ASSERT_EQ(dims.size(), 6u);
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(dims.front(), "availability");
  EXPECT_EQ(dims.back(), "documentation");

  const auto r = ahp(a);
  // The seed's weights, given to three decimals; ±0.001 is that rounding.
  const std::vector<double> seed{0.381, 0.223, 0.129, 0.129, 0.069, 0.069};
  ASSERT_EQ(r.weights.size(), 6u);
  for (std::size_t j = 0; j < 6; ++j)
    EXPECT_NEAR(r.weights[j], seed[j], 1e-3) << dims[j];
  EXPECT_NEAR(total(r.weights), 1.0, 1e-12);
  // Full precision (docs/evaluation.md): 0.380880, 0.223317, 0.128467 ×2,
  // 0.069434 ×2; λmax = 6.019370, CI = 0.003874, CR = CI / 1.24 = 0.003124.
  EXPECT_NEAR(r.weights[0], 0.380880, 1e-6);
  EXPECT_NEAR(r.weights[1], 0.223317, 1e-6);
  EXPECT_NEAR(r.weights[2], 0.128467, 1e-6);
  EXPECT_NEAR(r.weights[4], 0.069434, 1e-6);
  // A3/A4 and A5/A6 have identical rows, so their weights must be identical.
  EXPECT_DOUBLE_EQ(r.weights[2], r.weights[3]);
  EXPECT_DOUBLE_EQ(r.weights[4], r.weights[5]);
  EXPECT_NEAR(r.lambda_max, 6.019370, 1e-6);
  EXPECT_NEAR(r.ci, 0.003874, 1e-6);
  // CR ≈ 0.003. The usual eigenvector methods (power iteration, geometric
  // mean, column averages) agree on 0.00312 to 1e-6, so ±0.002 costs nothing
  // there, yet moving any one entry of Table 1 one step along the 1–9 scale
  // (e.g. a_12 = 3, a_35 = 3, a_46 = 1) lifts CR to 0.0058–0.0104, outside
  // it: a garbled table cannot pass.
  EXPECT_LT(std::abs(r.cr - 0.003), 0.002);
  EXPECT_NEAR(r.cr, 0.003124, 1e-6);
}

TEST(evaluation_model, consistent_matrix_recovers_its_ratios) {
  const auto r = ahp(consistent3);
  EXPECT_NEAR(r.weights[0], 4.0 / 7, 1e-12);
  EXPECT_NEAR(r.weights[1], 2.0 / 7, 1e-12);
  EXPECT_NEAR(r.weights[2], 1.0 / 7, 1e-12);
  EXPECT_NEAR(r.lambda_max, 3.0, 1e-12);
  EXPECT_NEAR(r.ci, 0.0, 1e-12);
  EXPECT_NEAR(r.cr, 0.0, 1e-12);
}

TEST(evaluation_model, orders_one_and_two_have_zero_cr) {
  const auto one = ahp({{1.0}});
  ASSERT_EQ(one.weights.size(), 1u);
  EXPECT_DOUBLE_EQ(one.weights[0], 1.0);
  EXPECT_DOUBLE_EQ(one.lambda_max, 1.0);
  EXPECT_DOUBLE_EQ(one.ci, 0.0);
  EXPECT_DOUBLE_EQ(one.cr, 0.0);

  const auto two = ahp({{1.0, 3.0}, {1.0 / 3, 1.0}});
  EXPECT_NEAR(two.weights[0], 0.75, 1e-12);
  EXPECT_NEAR(two.weights[1], 0.25, 1e-12);
  EXPECT_NEAR(two.lambda_max, 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(two.cr, 0.0);
}

TEST(evaluation_model, inconsistent_matrix_is_refused_with_cr) {
  // A1 ≫ A2 ≫ A3 ≫ A1: a cycle. λmax = 1 + 9 + 1/9, CI = 3.556, CR = 6.130.
  const matrix cycle = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  const auto msg = refusal([&] { ahp(cycle); });
  EXPECT_NE(msg.find("inconsistent"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CR = 6.130"), std::string::npos) << msg;
  EXPECT_NE(msg.find("≥ 0.10"), std::string::npos) << msg;
}

TEST(evaluation_model, non_reciprocal_pair_is_named) {
  matrix a = consistent3;
  a[2][0] = 0.5; // a_13 = 4, so a_31 should be 0.25
  const auto msg = refusal([&] { ahp(a); });
  EXPECT_NE(msg.find("(1,3) = 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(3,1) = 0.5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not reciprocal"), std::string::npos) << msg;
  EXPECT_NE(msg.find("product is 2"), std::string::npos) << msg;

  // Three decimals (1/7 as 0.143) is within the reciprocity tolerance.
  EXPECT_NO_THROW(ahp({{1, 7}, {0.143, 1}}));
}

TEST(evaluation_model, malformed_judgment_is_refused) {
  EXPECT_NE(refusal([] { ahp({}); }).find("empty"), std::string::npos);
  EXPECT_NE(refusal([] { ahp({{1, 2}, {0.5}}); }).find("not square"), std::string::npos);
  EXPECT_NE(refusal([] { ahp({{1, -2}, {-0.5, 1}}); }).find("(1,2) = -2"), std::string::npos);
  EXPECT_NE(refusal([] { ahp({{1, 0}, {0, 1}}); }).find("(1,2) = 0"), std::string::npos);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(refusal([&] { ahp({{1, nan}, {1, 1}}); }).find("(1,2) = nan"), std::string::npos);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_NE(refusal([&] { ahp({{1, inf}, {0, 1}}); }).find("(1,2) = inf"), std::string::npos);
  const auto diag = refusal([] { ahp({{1, 2}, {0.5, 2}}); });
  EXPECT_NE(diag.find("diagonal entry (2,2) = 2"), std::string::npos) << diag;
  const matrix big(16, std::vector<double>(16, 1.0));
  EXPECT_NE(refusal([&] { ahp(big); }).find("random index"), std::string::npos);
}

TEST(evaluation_model, entropy_and_combination_by_hand) {
  // Column 1: 8, 6, 9, 7 → min 6, max 9, range 3
  //   x' = 2/3, 0, 1, 1/3 (Σ 2)     → p = 1/3, 0, 1/2, 1/6
  // Column 2: 7, 7.5, 8, 6 → min 6, max 8, range 2
  //   x' = 1/2, 3/4, 1, 0 (Σ 9/4)   → p = 2/9, 1/3, 4/9, 0
  // Column 3: 9, 9, 8, 9.5 → min 8, max 9.5, range 1.5
  //   x' = 2/3, 2/3, 0, 1 (Σ 7/3)   → p = 2/7, 2/7, 0, 3/7
  // k = 1 / ln 4 = 0.7213475204; e_j = −k Σ_i p ln p (p = 0 adds 0):
  //   e1 = k·(1/3 ln 3 + 1/2 ln 2 + 1/6 ln 6)  = 0.7295739585
  //   e2 = k·(2/9 ln 9/2 + 1/3 ln 3 + 4/9 ln 9/4) = 0.7652465284
  //   e3 = k·(2·2/7 ln 7/2 + 3/7 ln 7/3)        = 0.7783283537
  // d = 1 − e = 0.2704260415, 0.2347534716, 0.2216716463 (Σ 0.7268511594)
  // entropy weights d/Σd = 0.3720514689, 0.3229732368, 0.3049752943
  const auto r = entropy(example);
  const std::vector<double> e{0.7295739585, 0.7652465284, 0.7783283537};
  const std::vector<double> d{0.2704260415, 0.2347534716, 0.2216716463};
  const std::vector<double> we{0.3720514689, 0.3229732368, 0.3049752943};
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(r.e[j], e[j], 1e-9) << j;
    EXPECT_NEAR(r.d[j], d[j], 1e-9) << j;
    EXPECT_NEAR(r.weights[j], we[j], 1e-9) << j;
  }

  // AHP of consistent3: 4/7, 2/7, 1/7.
  // wA·d = 0.1545291666, 0.0670724205, 0.0316673780 (Σ 0.2532689651)
  // w    = 0.6101385794, 0.2648268431, 0.1250345775
  const auto w = combine(ahp(consistent3).weights, r.d);
  const std::vector<double> want{0.6101385794, 0.2648268431, 0.1250345775};
  for (std::size_t j = 0; j < 3; ++j)
    EXPECT_NEAR(w[j], want[j], 1e-9) << j;
  EXPECT_NEAR(total(w), 1.0, 1e-12);
}

// Three dimensions without spread: e = 1, d = 0, uniform entropy weights,
// and the AHP weights stand unchanged.
void expect_no_spread(const entropy_result& r) {
  expect_finite(r.e);
  expect_finite(r.d);
  expect_finite(r.weights);
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_DOUBLE_EQ(r.e[j], 1.0);
    EXPECT_DOUBLE_EQ(r.d[j], 0.0);
    EXPECT_DOUBLE_EQ(r.weights[j], 1.0 / 3);
  }
  const auto wa = ahp(consistent3).weights;
  EXPECT_EQ(combine(wa, r.d), wa);
}

TEST(evaluation_model, one_subject_has_no_spread) {
  // n = 1: k = 1/ln 1 is undefined; by definition e = 1, d = 0 everywhere,
  // the entropy weights are uniform and the AHP weights stand.
  expect_no_spread(entropy({{8.0, 7.0, 9.0}}));
}

TEST(evaluation_model, all_scores_equal_has_no_spread) {
  expect_no_spread(entropy({{5, 5, 5}, {5, 5, 5}, {5, 5, 5}, {5, 5, 5}}));
}

TEST(evaluation_model, zero_range_column_gets_no_weight) {
  // Column 2 is 5 for everyone: p = 1/4 each, e = 1, d = 0. Columns 1 and 3
  // are the first and third columns of the worked example.
  const auto r = entropy({{8, 5, 9}, {6, 5, 9}, {9, 5, 8}, {7, 5, 9.5}});
  expect_finite(r.weights);
  EXPECT_DOUBLE_EQ(r.e[1], 1.0);
  EXPECT_DOUBLE_EQ(r.d[1], 0.0);
  EXPECT_DOUBLE_EQ(r.weights[1], 0.0);
  EXPECT_NEAR(r.d[0], 0.2704260415, 1e-9);
  EXPECT_NEAR(r.d[2], 0.2216716463, 1e-9);
  // d1/(d1+d3) = 0.2704260415 / 0.4920976878 = 0.5495373139
  EXPECT_NEAR(r.weights[0], 0.5495373139, 1e-9);
  EXPECT_NEAR(r.weights[2], 0.4504626861, 1e-9);

  // Combined: 4/7·d1 = 0.1545291666, 0 , 1/7·d3 = 0.0316673780
  // (Σ 0.1861965446) → 0.8299249962, 0, 0.1700750038
  const auto w = combine(ahp(consistent3).weights, r.d);
  EXPECT_NEAR(w[0], 0.8299249962, 1e-9);
  EXPECT_DOUBLE_EQ(w[1], 0.0);
  EXPECT_NEAR(w[2], 0.1700750038, 1e-9);
}

TEST(evaluation_model, two_subjects_split_fully) {
  // With n = 2, min–max maps any column with spread to {0, 1}: p = {0, 1},
  // e = 0, d = 1. Every such column weighs the same.
  const auto r = entropy({{1, 7}, {2, 9}});
  EXPECT_DOUBLE_EQ(r.e[0], 0.0);
  EXPECT_DOUBLE_EQ(r.e[1], 0.0);
  EXPECT_DOUBLE_EQ(r.weights[0], 0.5);
}

TEST(evaluation_model, malformed_tables_are_refused) {
  EXPECT_NE(refusal([] { entropy({}); }).find("empty"), std::string::npos);
  EXPECT_NE(refusal([] { entropy({{}}); }).find("empty"), std::string::npos);
  const auto ragged = refusal([] { entropy({{1, 2}, {3}}); });
  EXPECT_NE(ragged.find("ragged: row 2"), std::string::npos) << ragged;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto cell = refusal([&] { entropy({{1, 2}, {3, nan}}); });
  EXPECT_NE(cell.find("(2,2) = nan"), std::string::npos) << cell;

  const auto size = refusal([] { combine({0.5, 0.5}, {1, 0, 0}); });
  EXPECT_NE(size.find("2 AHP weights with 3"), std::string::npos) << size;
  EXPECT_NE(refusal([] { combine({0.5, 0.5}, {-1, 0}); }).find("-1"), std::string::npos);
}

TEST(evaluation_model, ranks_the_worked_example) {
  // Raw scores · combined weights (0.6101385794, 0.2648268431, 0.1250345775):
  //   S1 = 8·w1 + 7·w2 + 9·w3   = 7.8602077344
  //   S2 = 6·w1 + 7.5·w2 + 9·w3 = 6.7723439971
  //   S3 = 9·w1 + 8·w2 + 8·w3   = 8.6101385794
  //   S4 = 7·w1 + 6·w2 + 9.5·w3 = 7.0477596007
  const auto w = combine(ahp(consistent3).weights, entropy(example).d);
  const auto r = rank({"S1", "S2", "S3", "S4"}, example, w);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].subject, "S3");
  EXPECT_EQ(r[1].subject, "S1");
  EXPECT_EQ(r[2].subject, "S4");
  EXPECT_EQ(r[3].subject, "S2");
  EXPECT_NEAR(r[0].score, 8.6101385794, 1e-9);
  EXPECT_NEAR(r[1].score, 7.8602077344, 1e-9);
  EXPECT_NEAR(r[2].score, 7.0477596007, 1e-9);
  EXPECT_NEAR(r[3].score, 6.7723439971, 1e-9);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(r[static_cast<std::size_t>(i)].rank, i + 1);
}

TEST(evaluation_model, ties_share_a_rank_in_input_order) {
  // x and z score 5, y and w 7: competition ranking 1, 1, 3, 3.
  const auto r = rank({"x", "y", "z", "w"}, {{5, 5}, {7, 7}, {4, 6}, {6, 8}}, {0.5, 0.5});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].subject, "y");
  EXPECT_EQ(r[1].subject, "w");
  EXPECT_EQ(r[2].subject, "x");
  EXPECT_EQ(r[3].subject, "z");
  EXPECT_EQ(r[0].rank, 1);
  EXPECT_EQ(r[1].rank, 1);
  EXPECT_EQ(r[2].rank, 3);
  EXPECT_EQ(r[3].rank, 3);

  // 0.3 + 0 vs 0.1 + 0.2 = 0.30000000000000004: a tie, b stays first.
  const auto ulp = rank({"b", "a"}, {{0.3, 0.0}, {0.1, 0.2}}, {1, 1});
  EXPECT_EQ(ulp[0].subject, "b");
  EXPECT_EQ(ulp[1].subject, "a");
  EXPECT_EQ(ulp[0].rank, 1);
  EXPECT_EQ(ulp[1].rank, 1);
}

TEST(evaluation_model, rank_refuses_mismatches) {
  EXPECT_TRUE(rank({}, {}, {0.5, 0.5}).empty());
  EXPECT_NE(refusal([] { rank({"a"}, {{1, 2}, {3, 4}}, {0.5, 0.5}); }).find("1 subjects"),
            std::string::npos);
  EXPECT_NE(refusal([] { rank({"a"}, {{1, 2}}, {1}); }).find("2 dimensions"),
            std::string::npos);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_NE(refusal([&] { rank({"a"}, {{1, 2}}, {inf, 0}); }).find("not finite"),
            std::string::npos);
}

TEST(evaluation_model, seed_pipeline_end_to_end) {
  // Three services on the six seed dimensions. With so few subjects a column
  // where one stands apart (usability 7, 7.5, 7 → p = 0, 1, 0) has e = 0 and
  // d = 1, so usability..documentation outweigh their AHP share; availability
  // (d = 0.4206) and stability (d = 0.3691) fall. Weights:
  // 0.2509, 0.1291, 0.2012, 0.2012, 0.1088, 0.1088; scores 7.413, 6.565, 7.002.
  const matrix scores = {
      {9.0, 8.0, 7.0, 7.0, 6.0, 6.0},
      {5.0, 8.0, 7.5, 7.0, 6.0, 6.5},
      {7.0, 7.5, 7.0, 7.5, 6.5, 6.0},
  };
  const auto a = ahp(default_judgment());
  const auto h = entropy(scores);
  const auto w = combine(a.weights, h.d);
  expect_finite(w);
  EXPECT_NEAR(total(w), 1.0, 1e-12);
  EXPECT_NEAR(w[0], 0.2509379313, 1e-9);
  EXPECT_NEAR(w[1], 0.1290981208, 1e-9);
  EXPECT_NEAR(w[2], 0.2012237644, 1e-9);
  EXPECT_NEAR(w[5], 0.1087582095, 1e-9);
  const auto r = rank({"billing", "search", "login"}, scores, w);
  EXPECT_EQ(r[0].subject, "billing");
  EXPECT_EQ(r[1].subject, "login");
  EXPECT_EQ(r[2].subject, "search");
  EXPECT_NEAR(r[0].score, 7.4134575644, 1e-9);
}
