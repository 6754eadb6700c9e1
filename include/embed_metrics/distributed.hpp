#pragma once
/// @file distributed.hpp
/// @brief The metrics over rows split across the ranks of the resources
/// handle's communicator (resources::set_communicator; one rank alone when
/// none is set). Every rank calls the same function at the same time with
/// its own block of rows (rank order = row order; blocks may differ in size,
/// and may be empty). Nothing is gathered: the ranks exchange sums, tables
/// and d x d matrices, and the pair metrics pass row blocks around a ring.
///
/// Same answers at any number of ranks: every floating-point sum here is
/// order-free (exact integer fixed point, see docs/scale-out.md), so labels,
/// counts and scores are bit-identical whatever the number of ranks and the
/// split. Against the single-process functions (kmeans.hpp, silhouette.hpp,
/// ...) the agreement scores are identical (the same table); the other
/// scores agree within rounding (docs/scale-out.md gives the tolerances the
/// tests check).

#include <cstdint>
#include <vector>

#include "embed_metrics/export.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/silhouette.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"

namespace embed_metrics::distributed {

/// @brief The contingency table of the labels of all ranks (the same on every
/// rank): label values united over ranks, the table all-reduced.
[[nodiscard]] EMBED_METRICS_API contingency_table contingency(const resources& res, label_view a, label_view b);

/// @brief agreement() of the labels of all ranks: exactly the single-process scores.
[[nodiscard]] EMBED_METRICS_API agreement_result agreement(const resources& res, label_view a, label_view b,
                                         const agreement_params& params = {});

/// @brief gaussian_entropy() of the rows of all ranks (d x d covariance all-reduced; needs n >= d).
[[nodiscard]] EMBED_METRICS_API gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                                       const gaussian_entropy_params& params = {});

/// @brief effective_rank() of the rows of all ranks (d x d Gram all-reduced; needs n >= d).
[[nodiscard]] EMBED_METRICS_API effective_rank_result effective_rank(const resources& res, matrix_view x,
                                                   const effective_rank_params& params = {});

/// @brief k-means of the rows of all ranks (euclidean; init k-means++,
/// random or given; n_init runs, the lowest inertia kept). The result's
/// labels are those of this rank's rows; centres and inertia are global.
/// The k-means++ draws use the single-process seeds and stream.
[[nodiscard]] EMBED_METRICS_API kmeans_result kmeans(const resources& res, matrix_view x, const kmeans_params& params);

/// @brief Exact silhouette of the rows of all ranks: score and clusters
/// global, samples (when asked) those of this rank's rows. Each pair of rows
/// is measured once: row blocks travel half way round a ring with their sums.
[[nodiscard]] EMBED_METRICS_API silhouette_result silhouette(const resources& res, matrix_view x, label_view labels,
                                           const silhouette_params& params = {});

/// @brief Kozachenko-Leonenko entropy of the rows of all ranks (the k
/// nearest neighbours found on the same ring, each pair once).
[[nodiscard]] EMBED_METRICS_API knn_entropy_result knn_entropy(const resources& res, matrix_view x,
                                             const knn_entropy_params& params = {});

/// @brief spectrum_metrics() of the rows of all ranks: the covariance
/// spectrum, alpha-ReQ and NESum from the all-reduced d x d second moments
/// (for n < d too: its n - 1 non-zero eigenvalues are those of the n x n
/// Gram one process uses there).
[[nodiscard]] EMBED_METRICS_API spectrum_metrics_result spectrum_metrics(const resources& res, matrix_view x,
                                                       const spectrum_metrics_params& params = {});

/// @brief collapse_std() of the rows of all ranks (column sums all-reduced).
[[nodiscard]] EMBED_METRICS_API collapse_std_result collapse_std(const resources& res, matrix_view x,
                                               const collapse_std_params& params = {});

/// @brief alignment() of two views whose rows are split the same way
/// (row i of @p a and @p b on this rank are one image).
[[nodiscard]] EMBED_METRICS_API alignment_result alignment(const resources& res, matrix_view a, matrix_view b,
                                         const alignment_params& params = {});

/// @brief lidar() of the rows of all ranks; @p groups are global ids (this
/// rank's rows' ids; one group may span ranks): per-group sums and counts,
/// then the within-group scatter, all-reduced.
[[nodiscard]] EMBED_METRICS_API lidar_result lidar(const resources& res, matrix_view x, label_view groups,
                                 const lidar_params& params = {});

/// @brief davies_bouldin() of the rows and labels of all ranks (per-cluster
/// sums, counts and distance sums all-reduced).
[[nodiscard]] EMBED_METRICS_API cluster_score_result davies_bouldin(const resources& res, matrix_view x,
                                                  label_view labels, const cluster_score_params& params = {});

/// @brief calinski_harabasz() of the rows and labels of all ranks.
[[nodiscard]] EMBED_METRICS_API cluster_score_result calinski_harabasz(const resources& res, matrix_view x,
                                                     label_view labels, const cluster_score_params& params = {});

/// @brief uniformity() of the rows of all ranks, exact over all pairs: the
/// unit rows travel the ring, each pair measured once.
[[nodiscard]] EMBED_METRICS_API uniformity_result uniformity(const resources& res, matrix_view x,
                                           const uniformity_params& params = {});

/// @brief Leave-one-out kNN classifier accuracy (euclidean) of the rows and
/// labels of all ranks: the k nearest of each row found on the ring, ties
/// by global row index, the vote of knn_accuracy().
[[nodiscard]] EMBED_METRICS_API double knn_accuracy(const resources& res, matrix_view x, label_view labels,
                                  std::int64_t k);

/// @brief The report of evaluate() over the rows of all ranks (euclidean):
/// every metric of the report; report_params::views and groups hold this
/// rank's rows of the second view and of the group ids.
[[nodiscard]] EMBED_METRICS_API report_result evaluate(const resources& res, matrix_view x, label_view labels = {},
                                     const report_params& params = {});

}  // namespace embed_metrics::distributed
