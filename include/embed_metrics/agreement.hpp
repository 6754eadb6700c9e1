#pragma once
/// @file agreement.hpp
/// @brief Agreement between two clusterings of the same points: the
/// contingency table and, from it, ARI, AMI, NMI, MI, homogeneity,
/// completeness, V-measure, Fowlkes-Mallows, purity and Hungarian-matched
/// accuracy, with scikit-learn's conventions (natural logarithms).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief The mean of the two entropies that normalises AMI and NMI.
enum class average_method {
  arithmetic,  ///< (H(a) + H(b)) / 2 (scikit-learn's default; NMI then equals V-measure)
  geometric,   ///< sqrt(H(a) H(b))
  min,         ///< min(H(a), H(b))
  max,         ///< max(H(a), H(b))
};

/// @brief Parse "arithmetic", "geometric", "min" or "max".
/// @throws invalid_argument for any other string.
[[nodiscard]] EMBED_METRICS_API average_method parse_average_method(std::string_view name);

/// @brief The name of @p m, as parse_average_method accepts it.
[[nodiscard]] EMBED_METRICS_API std::string to_string(average_method m);

/// @brief Parameters of agreement().
struct agreement_params {
  average_method average = average_method::arithmetic;  ///< normaliser of AMI and NMI
  double beta = 1.0;        ///< V-measure weight: > 1 favours completeness, < 1 homogeneity
  bool accuracy = true;     ///< compute the Hungarian-matched accuracy (O(k^3) on the table)
  /// The matching is solved per connected block of non-zero cells; a block
  /// with more rows x columns than this leaves accuracy NaN instead of
  /// spending O(k^3) time (2^22 cells: about 2048 x 2048 clusters).
  std::int64_t max_matching_cells = std::int64_t{1} << 22;
};

/// @brief The contingency table of two labelings in sparse form: only the
/// non-zero cells are stored, sorted by (row, col). Row i is the i-th
/// smallest distinct label of a, column j the j-th smallest of b.
struct contingency_table {
  std::int64_t n = 0;                   ///< points (the sum of all counts)
  std::vector<std::int64_t> values_a;   ///< distinct labels of a, ascending (may be empty for a table built by hand)
  std::vector<std::int64_t> values_b;   ///< distinct labels of b, ascending (may be empty for a table built by hand)
  std::vector<std::int64_t> sizes_a;    ///< points in each cluster of a (row sums, all > 0)
  std::vector<std::int64_t> sizes_b;    ///< points in each cluster of b (column sums, all > 0)
  std::vector<std::int64_t> row;        ///< row of each non-zero cell
  std::vector<std::int64_t> col;        ///< column of each non-zero cell
  std::vector<std::int64_t> count;      ///< count of each non-zero cell (> 0)
};

/// @brief The scores of agreement(). Each score is a double, as in scikit-learn.
struct agreement_result {
  std::int64_t n = 0;            ///< points
  std::int64_t clusters_a = 0;   ///< distinct labels in a
  std::int64_t clusters_b = 0;   ///< distinct labels in b
  double ari = 0.0;              ///< adjusted Rand index
  /// Adjusted mutual information (params.average), as scikit-learn, with two
  /// 0 / 0 cases fixed where scikit-learn returns rounding noise: identical
  /// partitions score exactly 1 (also when both sides are all singletons),
  /// and a side of all singletons against any other partition scores 0.
  double ami = 0.0;
  double nmi = 0.0;              ///< normalised mutual information (params.average)
  double mi = 0.0;               ///< mutual information, nats
  double homogeneity = 0.0;      ///< MI / H(a): each cluster of b holds one class of a
  double completeness = 0.0;     ///< MI / H(b): each class of a lies in one cluster of b
  double v_measure = 0.0;        ///< weighted harmonic mean of homogeneity and completeness (params.beta)
  double fowlkes_mallows = 0.0;  ///< geometric mean of pair precision and recall
  double purity = 0.0;           ///< sum over clusters of b of their largest class of a, over n
  double accuracy = 0.0;         ///< best one-to-one matching of clusters (Hungarian), over n; NaN when not asked for or too large (see agreement_params)
  double entropy_a = 0.0;        ///< H(a), nats
  double entropy_b = 0.0;        ///< H(b), nats
  double expected_mi = 0.0;      ///< E[MI] under the permutation (hypergeometric) model, nats
};

/// @brief The contingency table of @p a and @p b (any int64 label values).
/// @param res CPU resources need host views; CUDA resources accept host or
///        device views (device labels are not copied to the host; the table is
///        returned in host memory).
/// @throws invalid_argument when the sizes differ or the labels are empty.
[[nodiscard]] EMBED_METRICS_API contingency_table contingency(const resources& res, label_view a,
                                                              label_view b);

/// @brief All agreement scores of two labelings of the same n points.
/// @param a  labels of the first clustering ("labels_true" in scikit-learn)
/// @param b  labels of the second clustering ("labels_pred" in scikit-learn)
/// @param params averaging of AMI/NMI, V-measure beta, whether to match clusters
/// @throws invalid_argument when the sizes differ, the labels are empty, or a
///         CPU backend is given device memory.
[[nodiscard]] EMBED_METRICS_API agreement_result agreement(const resources& res, label_view a,
                                                           label_view b,
                                                           const agreement_params& params = {});

/// @brief The same scores from a contingency table (host memory; computed on
/// the CPU whatever @p res says, except for the thread count). Counts may sum
/// to more than 2^32: every count and pair count is kept exact in 64 or 128 bits.
/// @throws invalid_argument when the table is inconsistent (a cell out of
///         range or not positive, sums that differ from the sizes, n = 0).
[[nodiscard]] EMBED_METRICS_API agreement_result agreement(const resources& res,
                                                           const contingency_table& table,
                                                           const agreement_params& params = {});

}  // namespace embed_metrics
