#pragma once
/// @file kmeans.hpp
/// @brief k-means clustering: greedy k-means++ (or random, or given) seeding
/// and Lloyd iterations whose point-to-centre distances are one GEMM per
/// iteration with the argmin fused, on the CPU (BLAS + OpenMP) or a CUDA
/// device (cuBLAS + kernels). Several seeds run as one batch against the
/// stacked centres of all runs.

#include <cstdint>
#include <vector>

#include "embed_metrics/distance_metric.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief How the initial centres are chosen.
enum class kmeans_init {
  kmeans_plus_plus,  ///< greedy k-means++ (as scikit-learn's _kmeans_plusplus)
  random,            ///< k distinct rows drawn uniformly
  given,             ///< the rows of kmeans_params::initial_centers
};

/// @brief The geometry of the clustering: euclidean or cosine (spherical); sqeuclidean is refused.
using kmeans_metric = distance_metric;

/// @brief Parameters of k-means; the defaults follow scikit-learn's KMeans.
struct kmeans_params {
  std::int64_t k = 8;                            ///< number of clusters, 1 <= k <= rows
  kmeans_init init = kmeans_init::kmeans_plus_plus;  ///< seeding method
  matrix_view initial_centers;                   ///< k x d starting centres, for init == given (host or, on CUDA, device)
  int n_local_trials = 0;                        ///< k-means++ candidates per centre; 0 means 2 + floor(ln k)
  int max_iter = 300;                            ///< most Lloyd iterations per run
  double tol = 1e-4;                             ///< converged when the squared centre shift sum <= tol * mean per-feature variance (or labels stop changing)
  std::uint64_t seed = 0;                        ///< seed of the counter-based random stream (Philox)
  int n_init = 1;                                ///< runs with different seeds, batched; the lowest inertia is kept
  kmeans_metric metric = kmeans_metric::euclidean;  ///< euclidean or cosine (spherical)
};

/// @brief The outcome of one k-means run.
struct kmeans_result {
  host_matrix centers;               ///< k x d final centres (unit rows for cosine)
  std::vector<std::int64_t> labels;  ///< cluster of each row, in [0, k)
  double inertia = 0.0;              ///< sum of squared distances to the assigned centroid (cosine: sum of 1 - cos), of the centroids before their rounding to float in @c centers
  int n_iter = 0;                    ///< Lloyd iterations run
  bool converged = false;            ///< labels stopped changing or the centre shift fell within tol
  std::uint64_t seed = 0;            ///< the seed of this run
};

/// @brief Cluster the rows of @p x into params.k clusters.
/// With n_init > 1 the runs use seeds derived from params.seed (the first is
/// params.seed itself), run as one batch, and the lowest inertia wins (the
/// first on ties). The same seed on the same device and build gives the same
/// labels bit for bit, whatever the thread count. The rows are centred
/// (on column medians) and scaled by a power of two first, as scikit-learn
/// centres, so the result does not depend on where the data sit or on
/// their scale; centres and inertia are returned in the caller's units.
/// @param res    resources; CUDA resources accept host or device views (device
///               views are used in place), CPU resources need host views.
/// @param x      n x d rows, finite.
/// @param params see kmeans_params.
/// @throws invalid_argument for k < 1, k > n, empty or non-finite input, a
///         zero row with the cosine metric, or bad initial_centers.
[[nodiscard]] kmeans_result kmeans(const resources& res, matrix_view x, const kmeans_params& params);

/// @brief One independent run per seed of @p seeds, computed together: each
/// Lloyd iteration is one distance GEMM against the stacked centres of all
/// runs still iterating. params.seed and params.n_init are ignored; the
/// result for seed s equals kmeans() with seed s and n_init 1.
/// @return one result per seed, in the order of @p seeds.
/// @throws invalid_argument as kmeans(), and for an empty @p seeds.
[[nodiscard]] std::vector<kmeans_result> kmeans_batch(const resources& res, matrix_view x,
                                                      const kmeans_params& params,
                                                      const std::vector<std::uint64_t>& seeds);

/// @brief The nearest of @p centers for each row of @p x (the first on ties).
/// @param metric euclidean, or cosine (rows and centres compared after L2 normalisation).
/// @throws invalid_argument on mismatched dimensions, no centres, or non-finite input.
[[nodiscard]] std::vector<std::int64_t> kmeans_predict(const resources& res, matrix_view x,
                                                       matrix_view centers,
                                                       kmeans_metric metric = kmeans_metric::euclidean);

/// @brief The seed of run @p run of kmeans() with n_init runs from @p seed:
/// @p seed itself for run 0, a SplitMix64 mix of (seed, run) after it.
[[nodiscard]] std::uint64_t kmeans_run_seed(std::uint64_t seed, int run) noexcept;

}  // namespace embed_metrics
