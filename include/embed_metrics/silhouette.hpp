#pragma once
/// @file silhouette.hpp
/// @brief Silhouette coefficient of a clustering: exact (all n^2 pairs, in
/// tiles, memory linear in n), and two clearly named approximations (a random
/// sample of points; distances to centroids).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "embed_metrics/distance_metric.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief The distance the silhouette is measured in (all three values).
using silhouette_metric = distance_metric;

/// @brief Parse "euclidean", "cosine" or "sqeuclidean".
/// @throws invalid_argument for any other name.
[[nodiscard]] silhouette_metric parse_silhouette_metric(std::string_view name);

/// @brief Parameters of the silhouette functions.
struct silhouette_params {
  silhouette_metric metric = silhouette_metric::euclidean;  ///< distance between points
  bool per_sample = true;  ///< fill silhouette_result::samples (n doubles); false skips it
};

/// @brief Mean silhouette of the points of one cluster.
struct silhouette_cluster {
  std::int64_t label = 0;  ///< the label as given
  std::int64_t size = 0;   ///< points in the cluster (in the sample, for silhouette_sampled)
  double mean = 0.0;       ///< mean silhouette of its points (0 for a single point)
};

/// @brief The result of a silhouette computation.
struct silhouette_result {
  double score = 0.0;                        ///< mean silhouette over all points scored
  std::vector<double> samples;               ///< per-point values (empty when per_sample is false)
  std::vector<silhouette_cluster> clusters;  ///< per cluster, in increasing label order
  std::int64_t n = 0;                        ///< points scored
  std::int64_t k = 0;                        ///< distinct labels among them
  bool exact = true;                         ///< false for the sampled and simplified approximations
  /// Rows scored by silhouette_sampled (indices into the input, in sample
  /// order; samples[i] belongs to row sample_rows[i]); empty otherwise.
  std::vector<std::int64_t> sample_rows;
};

/// @brief Exact silhouette (as scikit-learn's silhouette_samples and
/// silhouette_score): for each point, a = mean distance to the other points of
/// its cluster, b = the smallest mean distance to the points of another
/// cluster, s = (b - a) / max(a, b); a point alone in its cluster scores 0.
/// O(n^2 d) work in GEMM tiles, each pair of points computed once; memory: a
/// copy of the points grouped by cluster (n d floats) plus O(n + k + tile),
/// never O(n^2) nor O(n k), so any k up to n - 1 works; deterministic: the
/// same inputs give the same result bit for bit on the same device, whatever
/// the thread count. The rows are centred and scaled by a power of two
/// before the distances (cosine: only normalised), so the score does not
/// depend on where the data sit or on their scale.
/// @param res    resources (CPU needs host views; CUDA accepts host or device views).
/// @param x      n x d embeddings, finite.
/// @param labels n labels, any int64 values.
/// @param params metric and whether to return per-point values.
/// @throws invalid_argument when labels and rows differ in number, when there
///         are fewer than 2 or more than n - 1 distinct labels, or for NaN/Inf.
[[nodiscard]] silhouette_result silhouette(const resources& res, matrix_view x, label_view labels,
                                           const silhouette_params& params = {});

/// @brief APPROXIMATION: the exact silhouette of a random sample of
/// @p sample_size points (drawn without replacement with @p seed), as
/// scikit-learn's silhouette_score(sample_size=...). a and b are measured
/// within the sample only. result.exact is false unless the sample is the
/// whole set; result.sample_rows lists the rows drawn.
/// @throws invalid_argument when sample_size is not in [2, n] or the sample
///         holds fewer than 2 or more than sample_size - 1 distinct labels.
[[nodiscard]] silhouette_result silhouette_sampled(const resources& res, matrix_view x,
                                                   label_view labels, std::int64_t sample_size,
                                                   std::uint64_t seed,
                                                   const silhouette_params& params = {});

/// @brief APPROXIMATION: the simplified silhouette, with a = the distance to
/// the point's own centroid and b = the distance to the nearest other
/// centroid (centroids are cluster means; for cosine, means of the normalised
/// rows). O(n k d) work. A point alone in its cluster scores 0.
/// result.exact is false.
/// @throws invalid_argument as silhouette().
[[nodiscard]] silhouette_result silhouette_simplified(const resources& res, matrix_view x,
                                                      label_view labels,
                                                      const silhouette_params& params = {});

}  // namespace embed_metrics
