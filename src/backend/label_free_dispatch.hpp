#pragma once
// Stop-gap dispatch of the label-free families (sphere, cluster scores,
// spectrum) until they join detail::backend: the CPU table, or the CUDA one
// for CUDA resources. At the merge each becomes a member of the backend
// table (backend_for(res).sphere etc.) and this header goes.

#include "backend/cluster_score_ops.hpp"
#include "backend/spectrum_ops.hpp"
#include "backend/sphere_ops.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

[[nodiscard]] const sphere_ops& sphere_ops_for(const resources& res);
[[nodiscard]] const cluster_score_ops& cluster_score_ops_for(const resources& res);
[[nodiscard]] const spectrum_ops& spectrum_ops_for(const resources& res);

/// The backend instances (src/cpu/label_free_ops.cpp, cuda/label_free_ops.cu).
[[nodiscard]] const sphere_ops& cpu_sphere_ops();
[[nodiscard]] const cluster_score_ops& cpu_cluster_score_ops();
[[nodiscard]] const spectrum_ops& cpu_spectrum_ops();
[[nodiscard]] const sphere_ops& cuda_sphere_ops();
[[nodiscard]] const cluster_score_ops& cuda_cluster_score_ops();
[[nodiscard]] const spectrum_ops& cuda_spectrum_ops();

}  // namespace embed_metrics::detail
