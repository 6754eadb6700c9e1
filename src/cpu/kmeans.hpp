#pragma once
// The CPU backend of k-means: k-means++ / random / given seeding and batched
// Lloyd iterations. Inputs are checked by the public functions
// (src/metrics/kmeans.cpp) and prepared there (core/row_prep.hpp: centred and
// scaled by a power of two, or unit rows for cosine) before these are called.

#include <cstdint>
#include <vector>

#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// Initial centres of every run, stacked: rows r*k .. r*k + k - 1 belong to
/// the run with seeds[r]. @p x is the data clustered (unit rows for cosine),
/// @p xn its squared row norms.
host_matrix kmeans_init_centers(matrix_view x, const float* xn, const kmeans_params& p,
                                const std::vector<std::uint64_t>& seeds, int threads);

/// For each row i of @p x and each of @p runs runs (the k-row segments of
/// @p centers, squared norms @p cn), the nearest centre of that run (the
/// first on ties): labels[r][i]. Distances come from one sgemm per block of
/// rows against all the centres; the argmin is taken block by block, so the
/// n x (runs k) matrix is never held whole.
void kmeans_assign(matrix_view x, matrix_view centers, const float* cn, std::int64_t k, int runs,
                   std::int32_t* const* labels, int threads);

/// Lloyd iterations for every seed together (see kmeans_batch in kmeans.hpp).
std::vector<kmeans_result> kmeans_batch(matrix_view x, const kmeans_params& p,
                                        const std::vector<std::uint64_t>& seeds, int threads);

/// Nearest centre of each row.
std::vector<std::int64_t> kmeans_predict(matrix_view x, matrix_view centers, kmeans_metric metric,
                                         int threads);

}  // namespace embed_metrics::cpu
