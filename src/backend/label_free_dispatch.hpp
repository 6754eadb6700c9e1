#pragma once
// The instances of the label-free families (sphere, cluster scores,
// spectrum) that the CPU and CUDA tables (detail::backend) point to.

#include "backend/cluster_score_ops.hpp"
#include "backend/spectrum_ops.hpp"
#include "backend/sphere_ops.hpp"

namespace embed_metrics::detail {

/// The backend instances (src/cpu/ and cuda/: sphere_ops, cluster_score_ops, spectrum_ops).
[[nodiscard]] const sphere_ops& cpu_sphere_ops();
[[nodiscard]] const cluster_score_ops& cpu_cluster_score_ops();
[[nodiscard]] const spectrum_ops& cpu_spectrum_ops();
[[nodiscard]] const sphere_ops& cuda_sphere_ops();
[[nodiscard]] const cluster_score_ops& cuda_cluster_score_ops();
[[nodiscard]] const spectrum_ops& cuda_spectrum_ops();

}  // namespace embed_metrics::detail
