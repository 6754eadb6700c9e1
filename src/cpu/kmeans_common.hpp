#pragma once
// Pieces of k-means shared by the CPU and CUDA backends: the layout of the
// Philox stream, seeds of the n_init runs, random seeding, the number of
// k-means++ trials, and the tolerance with scikit-learn's meaning. Plain C++
// on the host.

#include <cstdint>
#include <vector>

#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/matrix.hpp"
#include "core/internal_api.hpp"

namespace embed_metrics::detail {

/// Counter word c of the Philox stream: what a draw is for. Word a is the
/// index of the draw within its step, word b the step (the centre index).
enum kmeans_stream : std::uint32_t {
  kStreamFirstCenter = 1,  ///< k-means++: the first centre (a = 0, b = 0)
  kStreamTrials = 2,       ///< k-means++: trial a of centre b
  kStreamRandomInit = 3,   ///< random init: draw a
};

/// Rows processed together by one task of the CPU backend, and the tile of
/// rows whose potentials are summed in a fixed order on both backends.
constexpr std::int64_t kKmeansBlock = 128;

/// Threads for a loop of about @p work element operations: 1 below a size
/// where waking a team costs more than it saves (results never depend on it).
inline int kmeans_team(int threads, std::int64_t work) {
  return work >= (std::int64_t{1} << 18) ? threads : 1;
}

/// 2 + floor(ln k) when @p requested is 0, else @p requested.
EMBED_METRICS_INTERNAL_API int kmeans_local_trials(std::int64_t k, int requested);

/// The first k-means++ centre of the run with @p seed among @p n rows.
EMBED_METRICS_INTERNAL_API std::int64_t kmeans_first_center(std::uint64_t seed, std::int64_t n);

/// The row drawn for target potential u * total: the first index whose
/// inclusive prefix sum reaches it, clipped to n - 1 (as numpy's searchsorted
/// on a cumulative sum, then clip, in scikit-learn's _kmeans_plusplus).
/// @p block_sums holds the sums of the kKmeansBlock-row blocks of @p values,
/// each summed in row order in double.
std::int64_t kmeans_sample_index(const float* values, std::int64_t n, const double* block_sums,
                                 double target);

/// k distinct rows of n, drawn uniformly from the Philox stream of @p seed
/// (each draw a uniform index, redrawn while it repeats an earlier one).
EMBED_METRICS_INTERNAL_API std::vector<std::int64_t> kmeans_random_rows(std::uint64_t seed,
                                                                        std::int64_t n,
                                                                        std::int64_t k);

/// The @p count rows farthest from their centres (largest @p dist first,
/// ties to the smaller index): where empty clusters are re-seeded, as
/// scikit-learn's _relocate_empty_clusters. count is clipped to dist.size().
EMBED_METRICS_INTERNAL_API std::vector<std::int64_t> farthest_rows(const std::vector<double>& dist,
                                                                   std::size_t count);

/// tol * mean over columns of the column variance (numpy's var, ddof 0),
/// accumulated in double: scikit-learn's _tolerance. Host rows.
double kmeans_tolerance(matrix_view x, double tol, int threads);

}  // namespace embed_metrics::detail
