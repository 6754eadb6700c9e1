#pragma once
// The CUDA backend's primitive families, each defined at the end of the file
// of its kernels (row_prep.cu, distance.cu, silhouette.cu, knn.cu,
// agreement.cu, entropy.cu), joined into its table in cuda_backend.cu.

#include "backend/backend.hpp"

namespace embed_metrics::gpu {

[[nodiscard]] const detail::row_prep_ops& row_prep_operations();
[[nodiscard]] const detail::distance_ops& distance_operations();
[[nodiscard]] const detail::silhouette_ops& silhouette_operations();
[[nodiscard]] const detail::knn_ops& knn_operations();
[[nodiscard]] const detail::agreement_ops& agreement_operations();
[[nodiscard]] const detail::entropy_ops& entropy_operations();
/// Contexts, streams, memory and probes (cuda/core/device_ops.cpp).
[[nodiscard]] const detail::device_ops& device_family();

}  // namespace embed_metrics::gpu
