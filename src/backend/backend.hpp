#pragma once
// The backend interface. A backend (the CPU one in src/cpu, the CUDA one in
// cuda/, a module loaded on first use) supplies the same primitives with the
// same resources-first signatures, grouped by family; the drivers in
// src/metrics are written once and call them through backend_for(res).

#include "backend/agreement_ops.hpp"
#include "backend/cluster_score_ops.hpp"
#include "backend/device_ops.hpp"
#include "backend/distance_ops.hpp"
#include "backend/entropy_ops.hpp"
#include "backend/kmeans_ops.hpp"
#include "backend/knn_ops.hpp"
#include "backend/row_prep_ops.hpp"
#include "backend/silhouette_ops.hpp"
#include "backend/spectrum_ops.hpp"
#include "backend/sphere_ops.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

/// One backend: a table of its primitive families. The families are
/// abstract classes, so that a backend implements each in its own files.
struct backend {
  const char* name = nullptr;         ///< "cpu" or "cuda"
  const device_ops* device = nullptr; ///< contexts, streams, memory (CUDA); probes
  const kmeans_ops* kmeans = nullptr; ///< the primitives of the k-means driver
  const row_prep_ops* rows = nullptr;          ///< row preparation; host copies of inputs
  const distance_ops* distance = nullptr;      ///< pairwise distances
  const silhouette_ops* silhouette = nullptr;  ///< the silhouette's distance passes
  const knn_ops* knn = nullptr;                ///< exact kNN search
  const agreement_ops* agreement = nullptr;    ///< contingency table, expected MI
  const entropy_ops* entropy = nullptr;        ///< second moments (Gram matrices)
  const sphere_ops* sphere = nullptr;          ///< uniformity, alignment (pairs on the sphere)
  const cluster_score_ops* cluster_scores = nullptr;  ///< Davies-Bouldin, Calinski-Harabasz
  const spectrum_ops* spectrum = nullptr;      ///< covariance spectrum, LiDAR scatter
};

/// The backend that runs work for @p res: the CPU backend, or the CUDA
/// module (loaded when the first CUDA resources handle is made).
[[nodiscard]] const backend& backend_for(const resources& res);

}  // namespace embed_metrics::detail

namespace embed_metrics::cpu {
/// The CPU backend's table (src/cpu/cpu_backend.cpp).
[[nodiscard]] const detail::backend& backend_table();
}  // namespace embed_metrics::cpu

namespace embed_metrics::gpu {
/// The CUDA backend's table (cuda/cuda_backend.cu), the one entry point of
/// the CUDA part.
[[nodiscard]] const detail::backend& backend_table();
}  // namespace embed_metrics::gpu
