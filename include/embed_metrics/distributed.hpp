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

#include "embed_metrics/agreement.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/silhouette.hpp"

namespace embed_metrics::distributed {

/// @brief The contingency table of the labels of all ranks (the same on every
/// rank): label values united over ranks, the table all-reduced.
[[nodiscard]] contingency_table contingency(const resources& res, label_view a, label_view b);

/// @brief agreement() of the labels of all ranks: exactly the single-process scores.
[[nodiscard]] agreement_result agreement(const resources& res, label_view a, label_view b,
                                         const agreement_params& params = {});

/// @brief gaussian_entropy() of the rows of all ranks (d x d covariance all-reduced; needs n >= d).
[[nodiscard]] gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                                       const gaussian_entropy_params& params = {});

/// @brief effective_rank() of the rows of all ranks (d x d Gram all-reduced; needs n >= d).
[[nodiscard]] effective_rank_result effective_rank(const resources& res, matrix_view x,
                                                   const effective_rank_params& params = {});

/// @brief k-means of the rows of all ranks (euclidean; init k-means++,
/// random or given; n_init runs, the lowest inertia kept). The result's
/// labels are those of this rank's rows; centres and inertia are global.
/// The k-means++ draws use the single-process seeds and stream.
[[nodiscard]] kmeans_result kmeans(const resources& res, matrix_view x, const kmeans_params& params);

/// @brief Exact silhouette of the rows of all ranks: score and clusters
/// global, samples (when asked) those of this rank's rows. Each pair of rows
/// is measured once: row blocks travel half way round a ring with their sums.
[[nodiscard]] silhouette_result silhouette(const resources& res, matrix_view x, label_view labels,
                                           const silhouette_params& params = {});

/// @brief Kozachenko-Leonenko entropy of the rows of all ranks (the k
/// nearest neighbours found on the same ring, each pair once).
[[nodiscard]] knn_entropy_result knn_entropy(const resources& res, matrix_view x,
                                             const knn_entropy_params& params = {});

/// @brief The report of evaluate() over the rows of all ranks (euclidean;
/// no kNN classifier accuracy): silhouette, C1/C2 agreement, inertia, kNN and
/// Gaussian entropy, effective rank, and with labels the agreement of C1
/// with them.
[[nodiscard]] report_result evaluate(const resources& res, matrix_view x, label_view labels = {},
                                     const report_params& params = {});

}  // namespace embed_metrics::distributed
