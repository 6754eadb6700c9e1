#include "metrics/agreement_scores.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/check.hpp"
#include "cpu/emi_pair.hpp"
#include "cpu/hungarian.hpp"

namespace embed_metrics::detail {
namespace {

__extension__ typedef __int128 i128;  // NOLINT(modernize-use-using): __extension__ needs typedef
using i64 = std::int64_t;

constexpr i64 kChunk = 1 << 14;  // cells per partial sum: fixed, so sums do not depend on threads

// scikit-learn's entropy(): -sum (p_i / n) (log p_i - log n); 0 for one cluster.
double entropy(const std::vector<i64>& sizes, i64 n) {
  if (sizes.size() <= 1) return 0.0;
  const double nd = static_cast<double>(n);
  const double log_n = std::log(nd);
  double h = 0.0;
  for (const i64 s : sizes) {
    const double p = static_cast<double>(s);
    h += (p / nd) * log_ratio(p, 1.0, nd, 1.0, std::log(p) - log_n);
  }
  return -h;
}

double generalized_average(double u, double v, average_method m) {
  switch (m) {
    case average_method::min: return std::min(u, v);
    case average_method::geometric: return std::sqrt(u * v);
    case average_method::max: return std::max(u, v);
    case average_method::arithmetic: break;
  }
  return (u + v) / 2.0;
}

// Pair sums of the table, exact: sum n_ij^2, sum n_ij b_j, sum n_ij a_i
// (n_ij <= n < 2^63, so every product fits in 128 bits), and the MI terms.
struct cell_sums {
  i128 sum_sq = 0;
  i128 dot_b = 0;
  i128 dot_a = 0;
  double mi = 0.0;
};

cell_sums sum_cells(const contingency_table& t, int threads) {
  const auto nnz = static_cast<i64>(t.count.size());
  const i64 chunks = (nnz + kChunk - 1) / kChunk;
  std::vector<cell_sums> part(static_cast<std::size_t>(chunks));
  const double nd = static_cast<double>(t.n);
  const double log_n = std::log(nd);
  if (chunks < 4) threads = 1;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (i64 ch = 0; ch < chunks; ++ch) {
    cell_sums s;
    const i64 end = std::min(nnz, (ch + 1) * kChunk);
    for (i64 c = ch * kChunk; c < end; ++c) {
      const i64 nij = t.count[c];
      const i64 ai = t.sizes_a[t.row[c]];
      const i64 bj = t.sizes_b[t.col[c]];
      s.sum_sq += static_cast<i128>(nij) * nij;
      s.dot_b += static_cast<i128>(nij) * bj;
      s.dot_a += static_cast<i128>(nij) * ai;
      // scikit-learn's mutual_info_score, term by term, including its
      // flushing of terms below machine epsilon to zero.
      // (log_ratio keeps the digits of log(n_ij n / (a_i b_j)) near 0, where
      // the sum of four logs would keep only its absolute error ~1e-15.)
      const double cnm = static_cast<double>(nij) / nd;
      const double nijd = static_cast<double>(nij);
      const double ad = static_cast<double>(ai), bd = static_cast<double>(bj);
      const double log_outer = -std::log(ad * bd) + log_n + log_n;
      double term = cnm * log_ratio(nijd, nd, ad, bd, (std::log(nijd) - log_n) + log_outer);
      if (std::abs(term) < DBL_EPSILON) term = 0.0;
      s.mi += term;
    }
    part[ch] = s;
  }
  cell_sums total;
  for (const cell_sums& s : part) {
    total.sum_sq += s.sum_sq;
    total.dot_b += s.dot_b;
    total.dot_a += s.dot_a;
    total.mi += s.mi;
  }
  return total;
}

// scikit-learn's adjusted_rand_score from its pair confusion matrix (ordered
// pairs). The four counts are below n^2 < 2^127; their products are exact in
// 128 bits while n < 2^31 and are taken in long double (64-bit mantissa) above.
double adjusted_rand(const cell_sums& s, i64 n) {
  const i128 nn = static_cast<i128>(n) * n;
  const i128 tp = s.sum_sq - n;
  const i128 fp = s.dot_b - s.sum_sq;
  const i128 fn = s.dot_a - s.sum_sq;
  const i128 tn = nn - fp - fn - s.sum_sq;
  if (fn == 0 && fp == 0) return 1.0;
  if (n < (i64{1} << 31)) {
    const i128 num = 2 * (tp * tn - fn * fp);
    const i128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
    return static_cast<double>(static_cast<long double>(num) / static_cast<long double>(den));
  }
  using ld = long double;
  const ld num = 2.0L * (static_cast<ld>(tp) * static_cast<ld>(tn) - static_cast<ld>(fn) * static_cast<ld>(fp));
  const ld den = static_cast<ld>(tp + fn) * static_cast<ld>(fn + tn) +
                 static_cast<ld>(tp + fp) * static_cast<ld>(fp + tn);
  return static_cast<double>(num / den);
}

// scikit-learn's fowlkes_mallows_score.
double fowlkes_mallows(const contingency_table& t, const cell_sums& s) {
  const i128 tk = s.sum_sq - t.n;
  if (tk == 0) return 0.0;
  i128 pk = -static_cast<i128>(t.n), qk = -static_cast<i128>(t.n);
  for (const i64 b : t.sizes_b) pk += static_cast<i128>(b) * b;
  for (const i64 a : t.sizes_a) qk += static_cast<i128>(a) * a;
  const double tkd = static_cast<double>(tk);
  return std::sqrt(tkd / static_cast<double>(pk)) * std::sqrt(tkd / static_cast<double>(qk));
}

}  // namespace

void check_table(const contingency_table& t) {
  EM_EXPECTS(t.n > 0, "contingency table: n is ", t.n, "; agreement needs at least one point");
  EM_EXPECTS(!t.sizes_a.empty() && !t.sizes_b.empty(),
             "contingency table: sizes_a and sizes_b must each hold at least one cluster");
  EM_EXPECTS(t.values_a.empty() || t.values_a.size() == t.sizes_a.size(),
             "contingency table: values_a has ", t.values_a.size(), " entries, sizes_a ",
             t.sizes_a.size(), "; give one value per cluster or none");
  EM_EXPECTS(t.values_b.empty() || t.values_b.size() == t.sizes_b.size(),
             "contingency table: values_b has ", t.values_b.size(), " entries, sizes_b ",
             t.sizes_b.size(), "; give one value per cluster or none");
  EM_EXPECTS(t.row.size() == t.count.size() && t.col.size() == t.count.size(),
             "contingency table: row, col and count have ", t.row.size(), ", ", t.col.size(),
             " and ", t.count.size(), " entries; they must be equal");
  const auto ka = static_cast<i64>(t.sizes_a.size());
  const auto kb = static_cast<i64>(t.sizes_b.size());
  std::vector<i128> rows(static_cast<std::size_t>(ka), 0), cols(static_cast<std::size_t>(kb), 0);
  for (std::size_t c = 0; c < t.count.size(); ++c) {
    EM_EXPECTS(t.row[c] >= 0 && t.row[c] < ka && t.col[c] >= 0 && t.col[c] < kb,
               "contingency table: cell ", c, " at (", t.row[c], ", ", t.col[c],
               ") is outside the ", ka, " x ", kb, " table");
    EM_EXPECTS(t.count[c] > 0, "contingency table: cell ", c, " has count ", t.count[c],
               "; store only positive counts");
    EM_EXPECTS(c == 0 || t.row[c - 1] < t.row[c] || (t.row[c - 1] == t.row[c] && t.col[c - 1] < t.col[c]),
               "contingency table: cell ", c, " is out of (row, col) order or repeated");
    rows[t.row[c]] += t.count[c];
    cols[t.col[c]] += t.count[c];
  }
  i128 total = 0;
  for (i64 i = 0; i < ka; ++i) {
    EM_EXPECTS(t.sizes_a[i] > 0 && rows[i] == t.sizes_a[i], "contingency table: row ", i,
               " sums to ", static_cast<long double>(rows[i]), " but sizes_a says ", t.sizes_a[i]);
    total += t.sizes_a[i];
  }
  for (i64 j = 0; j < kb; ++j)
    EM_EXPECTS(t.sizes_b[j] > 0 && cols[j] == t.sizes_b[j], "contingency table: column ", j,
               " sums to ", static_cast<long double>(cols[j]), " but sizes_b says ", t.sizes_b[j]);
  EM_EXPECTS(total == t.n, "contingency table: the counts sum to ", static_cast<long double>(total),
             " but n is ", t.n);
}

bool emi_is_zero(const contingency_table& t) {
  return t.sizes_a.size() <= 1 || t.sizes_b.size() <= 1;
}

agreement_result scores_from_table(const contingency_table& t, double expected_mi,
                                   const agreement_params& params, int threads) {
  agreement_result r;
  r.n = t.n;
  r.clusters_a = static_cast<i64>(t.sizes_a.size());
  r.clusters_b = static_cast<i64>(t.sizes_b.size());
  const bool one_cluster_each = r.clusters_a == 1 && r.clusters_b == 1;
  const bool one_cluster_somewhere = r.clusters_a == 1 || r.clusters_b == 1;
  // Identical partitions up to relabeling: one cell per row and per column.
  const bool identical = static_cast<i64>(t.count.size()) == r.clusters_a &&
                         static_cast<i64>(t.count.size()) == r.clusters_b;

  const cell_sums s = sum_cells(t, threads);
  r.entropy_a = entropy(t.sizes_a, t.n);
  r.entropy_b = entropy(t.sizes_b, t.n);
  // mutual_info_score: 0 when a side has one cluster, clipped at 0.
  r.mi = one_cluster_somewhere ? 0.0 : std::max(s.mi, 0.0);
  r.expected_mi = one_cluster_somewhere ? 0.0 : expected_mi;

  r.ari = adjusted_rand(s, t.n);
  r.fowlkes_mallows = fowlkes_mallows(t, s);

  // homogeneity_completeness_v_measure.
  r.homogeneity = r.entropy_a != 0.0 ? r.mi / r.entropy_a : 1.0;
  r.completeness = r.entropy_b != 0.0 ? r.mi / r.entropy_b : 1.0;
  if (r.homogeneity + r.completeness == 0.0) {
    r.v_measure = 0.0;
  } else {
    r.v_measure = (1.0 + params.beta) * r.homogeneity * r.completeness /
                  (params.beta * r.homogeneity + r.completeness);
  }

  // normalized_mutual_info_score.
  const double normalizer = generalized_average(r.entropy_a, r.entropy_b, params.average);
  if (one_cluster_each) {
    r.nmi = 1.0;
  } else if (r.mi == 0.0) {
    r.nmi = 0.0;
  } else {
    r.nmi = r.mi / normalizer;
  }

  // adjusted_mutual_info_score.
  if (one_cluster_each) {
    r.ami = 1.0;
  } else if (identical) {
    // MI = H(a) = H(b) exactly, so AMI = (H - EMI) / (H - EMI) = 1. When both
    // sides are all singletons EMI = H as well and the ratio is 0 / 0:
    // scikit-learn then returns its rounding noise (0 for n = 2, 1 above);
    // identical partitions score 1 here, as its documentation states.
    r.ami = 1.0;
  } else if (r.clusters_a == t.n || r.clusters_b == t.n) {
    // One side all singletons: MI = H(other side) for every permutation, so
    // EMI = MI exactly and AMI = 0 / (average - EMI) = 0. (With "min"
    // averaging this is 0 / 0 and scikit-learn returns rounding noise.)
    r.ami = 0.0;
  } else {
    double den = normalizer - r.expected_mi;
    // scikit-learn keeps the sign and keeps |den| >= machine epsilon.
    den = den < 0.0 ? std::min(den, -DBL_EPSILON) : std::max(den, DBL_EPSILON);
    r.ami = (r.mi - r.expected_mi) / den;
  }

  // Purity: each cluster of b takes its largest class of a.
  std::vector<i64> col_max(t.sizes_b.size(), 0);
  for (std::size_t c = 0; c < t.count.size(); ++c)
    col_max[t.col[c]] = std::max(col_max[t.col[c]], t.count[c]);
  i128 purity_sum = 0;
  for (const i64 m : col_max) purity_sum += m;
  r.purity = static_cast<double>(purity_sum) / static_cast<double>(t.n);

  r.accuracy = std::numeric_limits<double>::quiet_NaN();
  if (params.accuracy) {
    const i64 matched = cpu::max_matching_count(t, params.max_matching_cells);
    if (matched >= 0) r.accuracy = static_cast<double>(matched) / static_cast<double>(t.n);
  }
  return r;
}

}  // namespace embed_metrics::detail
