// The evaluation model of seed 001 (§2.3): dimension weights from an AHP
// judgment matrix (subjective, fixed) combined with entropy weights from the
// scores themselves (objective, moving with the data), then a composite score
// and a ranking of the evaluated subjects. Pure math, no actors, no state.
// Every function either refuses its input with evaluation_error or returns
// finite numbers; docs/evaluation.md works the seed's Table 1 through.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace petrade::evaluation {

/// Input the model cannot evaluate; the message names the offending value.
/// An invalid_argument so callers mapping bad requests to 400 catch it.
class evaluation_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// Consistency ratios at or above this are refused (Saaty's 10 % rule).
inline constexpr double max_consistency_ratio = 0.10;

/// |a_ij · a_ji − 1| above this is not reciprocal. Large enough for entries
/// written with three decimals (1/7 as 0.143): the worst error on the 1–9
/// scale is 9 · 0.0005 = 0.0045.
inline constexpr double reciprocity_tolerance = 5e-3;

struct ahp_result {
  std::vector<double> weights; ///< principal eigenvector, Σ = 1
  double lambda_max;           ///< principal eigenvalue
  double ci;                   ///< (λmax − n) / (n − 1); 0 for n = 1
  double cr;                   ///< CI / RI(n); 0 for n ≤ 2
};

/// Weights of a positive reciprocal judgment matrix (1–9 scale). Refuses an
/// empty or non-square matrix, a non-positive or non-finite entry, a diagonal
/// entry other than 1, a non-reciprocal pair, n > 15 (no random index) and
/// CR ≥ 0.10. Positions in messages count from 1, like A1..A6.
ahp_result ahp(const std::vector<std::vector<double>>& judgment);

struct entropy_result {
  std::vector<double> e;       ///< entropy per dimension, in [0, 1]
  std::vector<double> d;       ///< 1 − e: information utility (spread)
  std::vector<double> weights; ///< d / Σ d; uniform when every d is 0
};

/// Entropy weights of a score table: rows are subjects, columns dimensions,
/// each cell a subject's mean score on the dimension. Columns are min–max
/// normalised; a column without spread (or a single row) has e = 1, d = 0.
/// Refuses an empty or ragged table and non-finite cells.
entropy_result entropy(const std::vector<std::vector<double>>& table);

/// w_j = wA_j · d_j / Σ_k wA_k · d_k. When no dimension has spread (Σ = 0)
/// the data says nothing, so the AHP weights stand unchanged. Refuses a size
/// mismatch and negative or non-finite entries.
std::vector<double> combine(const std::vector<double>& ahp_weights,
                            const std::vector<double>& d);

struct ranked {
  std::string subject;
  double score;
  int rank; ///< 1 + the number of subjects strictly ahead (1, 2, 2, 4)
};

/// Composite score_i = Σ_j w_j · x_ij on the raw scores, best first. Equal
/// scores share a rank and keep their input order. Refuses a subject count
/// different from the row count, rows not matching the weights, and
/// non-finite cells or weights.
std::vector<ranked> rank(const std::vector<std::string>& subjects,
                         const std::vector<std::vector<double>>& table,
                         const std::vector<double>& weights);

/// Table 1 of the seed: the experts' 6×6 judgment matrix of A1..A6.
std::vector<std::vector<double>> default_judgment();

/// A1..A6 of the seed: availability, stability, usability, extensibility,
/// efficiency, documentation — the rows and columns of default_judgment().
std::vector<std::string> default_dimensions();

} // namespace petrade::evaluation
