#pragma once
// The CPU backend's primitive families, each defined at the end of the file
// of its algorithm (kmeans_ops.cpp, row_prep_ops.cpp, distance_tile.cpp,
// silhouette_exact.cpp, knn.cpp, contingency.cpp, gram.cpp), joined into its
// table in cpu_backend.cpp. The k-means primitives run on host memory (BLAS +
// OpenMP); every sum runs in an order fixed by the shape alone, so results
// are the same whatever the thread count.

#include "backend/backend.hpp"

namespace embed_metrics::cpu {

[[nodiscard]] const detail::kmeans_ops& kmeans_operations();
[[nodiscard]] const detail::row_prep_ops& row_prep_operations();
[[nodiscard]] const detail::distance_ops& distance_operations();
[[nodiscard]] const detail::silhouette_ops& silhouette_operations();
[[nodiscard]] const detail::knn_ops& knn_operations();
[[nodiscard]] const detail::agreement_ops& agreement_operations();
[[nodiscard]] const detail::entropy_ops& entropy_operations();

}  // namespace embed_metrics::cpu
