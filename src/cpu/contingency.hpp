#pragma once
// CPU backend of the agreement scores: label remapping, the sparse
// contingency table, and the expected mutual information over distinct
// pairs of cluster sizes.

#include <cstdint>
#include <vector>

#include "embed_metrics/agreement.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// Labels remapped to 0..k-1 in ascending order of their values.
struct remapped_labels {
  std::vector<std::int64_t> values;  ///< distinct values, ascending
  std::vector<std::int64_t> sizes;   ///< points per value
  std::vector<std::uint32_t> ids;    ///< id of each point (32 bits: half the memory traffic)
};

/// Remap host labels: a direct table when max - min is at most a few times n,
/// else sort/unique of a copy and a binary search per label. O(n) or O(n log n).
remapped_labels remap(label_view labels, int threads);

/// The contingency table of two host label vectors of equal, non-zero size:
/// points bucketed by their row, then each row counted in a cached array.
contingency_table contingency(label_view a, label_view b, int threads);

/// sum over all pairs (i, j) of emi_pair(sizes_a[i], sizes_b[j], n): each
/// distinct pair of sizes is evaluated once and weighted by how often it
/// occurs. Deterministic whatever the thread count (fixed summation order).
double expected_mutual_information(const std::vector<std::int64_t>& sizes_a,
                                   const std::vector<std::int64_t>& sizes_b, std::int64_t n,
                                   int threads);

}  // namespace embed_metrics::cpu
