#pragma once
// What every silhouette backend shares: the labels remapped to clusters
// 0..k-1 (in increasing label order), the points grouped by cluster (a
// permutation), and the last step from per-point sums to the result.

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/silhouette.hpp"

namespace embed_metrics::detail {

/// The points in cluster order: position p (0..n-1) holds the point of input
/// row source_row[p], which is output slot out_slot[p] of the result, in
/// cluster cluster[p]; cluster c occupies positions start[c] .. start[c+1]-1,
/// and its points keep their input order.
struct silhouette_plan {
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::vector<std::int64_t> values;      // label of each cluster, increasing (k)
  std::vector<std::int64_t> start;       // k + 1 cluster boundaries
  std::vector<std::int32_t> cluster;     // cluster of each position (n)
  std::vector<std::int64_t> source_row;  // row of x for each position (n)
  std::vector<std::int64_t> out_slot;    // index in result.samples for each position (n)

  [[nodiscard]] std::int64_t size_of(std::int64_t c) const noexcept {
    return start[static_cast<std::size_t>(c) + 1] - start[static_cast<std::size_t>(c)];
  }
};

/// Group @p labels (host memory) by value. Throws invalid_argument, as
/// scikit-learn, when there are fewer than 2 or more than n - 1 distinct
/// labels. @p rows, when not empty, gives the row of x of each label (for a
/// sample); otherwise label i belongs to row i.
[[nodiscard]] silhouette_plan make_silhouette_plan(const std::int64_t* labels, std::int64_t n,
                                                   const std::vector<std::int64_t>& rows = {});

/// Per point (by position): a = its mean distance to its own cluster (the
/// exact silhouette: the sum over the others / (size - 1)), b = the smallest
/// mean distance to another cluster. Returns s = (b - a) / max(a, b), 0 for a
/// point alone in its cluster and where max(a, b) is 0 (as scikit-learn),
/// with the mean score and the per-cluster means.
[[nodiscard]] silhouette_result finish_silhouette(const silhouette_plan& plan,
                                                  const std::vector<double>& a,
                                                  const std::vector<double>& b, bool per_sample);

}  // namespace embed_metrics::detail
