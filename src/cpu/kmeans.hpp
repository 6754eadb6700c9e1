#pragma once
// The CPU backend of k-means: the primitives of backend/kmeans_ops.hpp on
// host memory (BLAS + OpenMP). The driver (src/metrics/kmeans_driver.cpp)
// calls them; every sum runs in an order fixed by the shape alone, so
// results are the same whatever the thread count.

#include "backend/kmeans_ops.hpp"

namespace embed_metrics::cpu {

/// The CPU backend's k-means primitives.
[[nodiscard]] const detail::kmeans_ops& kmeans_operations();

}  // namespace embed_metrics::cpu
