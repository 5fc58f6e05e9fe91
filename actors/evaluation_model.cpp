#include "actors/evaluation_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <numeric>
#include <sstream>

namespace petrade::evaluation {

namespace {

// Saaty's random index: the mean CI of random reciprocal matrices of order
// n = 1..15 (Saaty 1980, extended table). A matrix is judged against what
// chance alone would give at its size.
constexpr double random_index[] = {0.00, 0.00, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41,
                                   1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
constexpr std::size_t max_order = std::size(random_index);

// Power iteration stops when no weight moves more than this; far below the
// three decimals anyone reads weights with.
constexpr double convergence = 1e-13;
// Positive matrices converge geometrically (Perron–Frobenius); the cap only
// guards against a pathological ratio |λ2/λ1| close to 1.
constexpr int max_iterations = 100000;

std::string num(double v) {
  std::ostringstream out;
  out << std::setprecision(6) << v;
  return out.str();
}

std::string fixed3(double v) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(3) << v;
  return out.str();
}

// 1-based, so messages match A1..A6 and the usual a_ij notation.
std::string at(std::size_t i, std::size_t j) {
  return "(" + std::to_string(i + 1) + "," + std::to_string(j + 1) + ")";
}

void check_judgment(const std::vector<std::vector<double>>& a) {
  const std::size_t n = a.size();
  if (n == 0)
    throw evaluation_error("judgment matrix is empty");
  for (std::size_t i = 0; i < n; ++i)
    if (a[i].size() != n)
      throw evaluation_error("judgment matrix is not square: row " + std::to_string(i + 1) +
                             " has " + std::to_string(a[i].size()) + " entries, expected " +
                             std::to_string(n));
  if (n > max_order)
    throw evaluation_error("judgment matrix of order " + std::to_string(n) +
                           " has no random index (at most " + std::to_string(max_order) +
                           " dimensions)");
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (!std::isfinite(a[i][j]) || a[i][j] <= 0)
        throw evaluation_error("judgment entry " + at(i, j) + " = " + num(a[i][j]) +
                               " must be positive and finite");
  for (std::size_t i = 0; i < n; ++i)
    if (std::abs(a[i][i] - 1) > 1e-9)
      throw evaluation_error("judgment diagonal entry " + at(i, i) + " = " + num(a[i][i]) +
                             " must be 1 (a dimension is as important as itself)");
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double product = a[i][j] * a[j][i];
      if (std::abs(product - 1) > reciprocity_tolerance)
        throw evaluation_error("judgment entries " + at(i, j) + " = " + num(a[i][j]) + " and " +
                               at(j, i) + " = " + num(a[j][i]) +
                               " are not reciprocal: their product is " + num(product) +
                               ", expected 1");
    }
}

std::vector<double> times(const std::vector<std::vector<double>>& a,
                          const std::vector<double>& v) {
  std::vector<double> out(v.size(), 0.0);
  for (std::size_t i = 0; i < v.size(); ++i)
    for (std::size_t j = 0; j < v.size(); ++j)
      out[i] += a[i][j] * v[j];
  return out;
}

double sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

// Rows of equal width, at least one row and one column, finite cells.
void check_table(const std::vector<std::vector<double>>& table, const char* what) {
  if (table.empty() || table.front().empty())
    throw evaluation_error(std::string(what) + " is empty");
  const std::size_t m = table.front().size();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].size() != m)
      throw evaluation_error(std::string(what) + " is ragged: row " + std::to_string(i + 1) +
                             " has " + std::to_string(table[i].size()) + " cells, expected " +
                             std::to_string(m));
    for (std::size_t j = 0; j < m; ++j)
      if (!std::isfinite(table[i][j]))
        throw evaluation_error(std::string(what) + " cell " + at(i, j) + " = " +
                               num(table[i][j]) + " is not finite");
  }
}

void check_weights(const std::vector<double>& w, const char* what) {
  for (std::size_t j = 0; j < w.size(); ++j)
    if (!std::isfinite(w[j]) || w[j] < 0)
      throw evaluation_error(std::string(what) + " " + std::to_string(j + 1) + " = " + num(w[j]) +
                             " must be non-negative and finite");
}

} // namespace

ahp_result ahp(const std::vector<std::vector<double>>& judgment) {
  check_judgment(judgment);
  const std::size_t n = judgment.size();

  // Start from equal weights: every entry positive, so it has a component
  // along the Perron vector and the iteration cannot stall on another one.
  std::vector<double> w(n, 1.0 / static_cast<double>(n));
  bool converged = false;
  for (int it = 0; it < max_iterations && !converged; ++it) {
    auto next = times(judgment, w);
    const double s = sum(next);
    double moved = 0;
    for (std::size_t i = 0; i < n; ++i) {
      next[i] /= s;
      moved = std::max(moved, std::abs(next[i] - w[i]));
    }
    w = std::move(next);
    converged = moved < convergence;
  }
  if (!converged)
    throw evaluation_error("judgment matrix: power iteration did not converge in " +
                           std::to_string(max_iterations) + " steps");

  // With Σ w = 1, A·w = λ·w sums to λ; this avoids dividing by a small w_i,
  // and equals the textbook mean of (Aw)_i / w_i at convergence.
  const double lambda = sum(times(judgment, w));
  const double nd = static_cast<double>(n);
  // λmax ≥ n for every positive reciprocal matrix; anything below is rounding.
  const double ci = n > 1 ? std::max(0.0, (lambda - nd) / (nd - 1)) : 0.0;
  // Orders 1 and 2 are always consistent (RI = 0): CR is 0, not 0/0.
  const double cr = n > 2 ? ci / random_index[n - 1] : 0.0;
  if (cr >= max_consistency_ratio)
    throw evaluation_error("judgment matrix is inconsistent: CR = " + fixed3(cr) +
                           " ≥ 0.10 (λmax = " + num(lambda) + ", CI = " + num(ci) +
                           ", RI = " + fixed3(random_index[n - 1]) + ")");
  return {std::move(w), lambda, ci, cr};
}

entropy_result entropy(const std::vector<std::vector<double>>& table) {
  check_table(table, "score table");
  const std::size_t n = table.size();
  const std::size_t m = table.front().size();
  entropy_result out{std::vector<double>(m, 1.0), std::vector<double>(m, 0.0),
                     std::vector<double>(m, 0.0)};

  // One subject: k = 1/ln 1 is undefined and one value carries no spread, so
  // e = 1 (the defaults above) for every dimension.
  if (n > 1) {
    const double k = 1.0 / std::log(static_cast<double>(n));
    std::vector<double> p(n);
    for (std::size_t j = 0; j < m; ++j) {
      double lo = table[0][j];
      double hi = table[0][j];
      for (const auto& row : table) {
        lo = std::min(lo, row[j]);
        hi = std::max(hi, row[j]);
      }
      const double range = hi - lo;
      // All equal: every normalised value is the same, whatever constant it
      // is, so p = 1/n and e = 1. Leaving it at 0/0 would poison Σ p.
      if (!(range > 0))
        continue;
      double total = 0;
      for (std::size_t i = 0; i < n; ++i) {
        p[i] = (table[i][j] - lo) / range;
        total += p[i];
      }
      double h = 0;
      for (std::size_t i = 0; i < n; ++i) {
        p[i] /= total; // total ≥ 1: the maximum normalises to 1
        // p ln p → 0 as p → 0; the minimum always normalises to exactly 0.
        if (p[i] > 0)
          h -= p[i] * std::log(p[i]);
      }
      out.e[j] = std::clamp(k * h, 0.0, 1.0);
    }
  }

  for (std::size_t j = 0; j < m; ++j)
    out.d[j] = 1.0 - out.e[j];
  const double total = sum(out.d);
  for (std::size_t j = 0; j < m; ++j)
    out.weights[j] = total > 0 ? out.d[j] / total : 1.0 / static_cast<double>(m);
  return out;
}

std::vector<double> combine(const std::vector<double>& ahp_weights, const std::vector<double>& d) {
  if (ahp_weights.size() != d.size())
    throw evaluation_error("cannot combine " + std::to_string(ahp_weights.size()) +
                           " AHP weights with " + std::to_string(d.size()) +
                           " entropy utilities");
  if (d.empty())
    throw evaluation_error("cannot combine: no dimensions");
  check_weights(ahp_weights, "AHP weight");
  check_weights(d, "entropy utility");

  std::vector<double> w(d.size());
  for (std::size_t j = 0; j < d.size(); ++j)
    w[j] = ahp_weights[j] * d[j];
  const double total = sum(w);
  // No spread anywhere (one subject, or everyone scored alike): the data
  // cannot re-weight, so the experts' judgment stands.
  if (!(total > 0))
    return ahp_weights;
  for (auto& x : w)
    x /= total;
  return w;
}

std::vector<ranked> rank(const std::vector<std::string>& subjects,
                         const std::vector<std::vector<double>>& table,
                         const std::vector<double>& weights) {
  if (subjects.size() != table.size())
    throw evaluation_error("cannot rank " + std::to_string(subjects.size()) + " subjects with " +
                           std::to_string(table.size()) + " score rows");
  for (std::size_t j = 0; j < weights.size(); ++j)
    if (!std::isfinite(weights[j]))
      throw evaluation_error("weight " + std::to_string(j + 1) + " = " + num(weights[j]) +
                             " is not finite");
  if (table.empty())
    return {};
  check_table(table, "score table");
  if (table.front().size() != weights.size())
    throw evaluation_error("score table has " + std::to_string(table.front().size()) +
                           " dimensions but there are " + std::to_string(weights.size()) +
                           " weights");

  // The composite uses the raw scores, not the min–max values: the seed
  // normalises only to measure each dimension's spread for the entropy; the
  // score it ranks by is the weighted evaluation score. On the raw scale
  // (weights sum to 1) it is a weighted mean rating on the raters' own scale,
  // and a subject's score does not move when another subject joins and
  // shifts a column's min or max.
  std::vector<double> score(table.size(), 0.0);
  for (std::size_t i = 0; i < table.size(); ++i)
    for (std::size_t j = 0; j < weights.size(); ++j)
      score[i] += weights[j] * table[i][j];

  std::vector<std::size_t> order(table.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });

  // Equal up to rounding: the same mean reached by a different sum must tie.
  double scale = 1.0;
  for (double s : score)
    scale = std::max(scale, std::abs(s));
  const double tie = 1e-9 * scale;

  // Runs of adjacent scores within `tie` share the rank of their first
  // place; inside a run the input order is restored, which the sort by exact
  // score may have broken over an ulp.
  std::vector<ranked> out;
  out.reserve(order.size());
  std::size_t start = 0;
  while (start < order.size()) {
    std::size_t end = start + 1;
    while (end < order.size() && score[order[end - 1]] - score[order[end]] <= tie)
      ++end;
    std::sort(order.begin() + static_cast<std::ptrdiff_t>(start),
              order.begin() + static_cast<std::ptrdiff_t>(end));
    for (std::size_t k = start; k < end; ++k)
      out.push_back({subjects[order[k]], score[order[k]], static_cast<int>(start) + 1});
    start = end;
  }
  return out;
}

std::vector<std::vector<double>> default_judgment() {
  // Table 1 of the seed, rows and columns A1..A6.
  return {
      {1.0, 2.0, 3.0, 3.0, 5.0, 5.0},
      {1.0 / 2, 1.0, 2.0, 2.0, 3.0, 3.0},
      {1.0 / 3, 1.0 / 2, 1.0, 1.0, 2.0, 2.0},
      {1.0 / 3, 1.0 / 2, 1.0, 1.0, 2.0, 2.0},
      {1.0 / 5, 1.0 / 3, 1.0 / 2, 1.0 / 2, 1.0, 1.0},
      {1.0 / 5, 1.0 / 3, 1.0 / 2, 1.0 / 2, 1.0, 1.0},
  };
}

std::vector<std::string> default_dimensions() {
  return {"availability", "stability", "usability", "extensibility", "efficiency", "documentation"};
}

} // namespace petrade::evaluation
