#pragma once
// The k-means driver, written once for every backend: seeding
// (kmeans_init_driver.cpp) and batched Lloyd iterations
// (kmeans_driver.cpp) over the primitives of backend/kmeans_ops.hpp. The
// public functions (kmeans.cpp) check the inputs and move the rows into
// their frame before these are called.

#include <cstdint>
#include <vector>

#include "core/internal_api.hpp"
#include "backend/kmeans_ops.hpp"
#include "embed_metrics/kmeans.hpp"

namespace embed_metrics::detail {

/// @p count elements of T in the backend's memory; @p what names them in an
/// out-of-memory error.
template <class T>
[[nodiscard]] kmeans_buffer allocate(const resources& res, const kmeans_ops& ops,
                                     std::int64_t count, const char* what) {
  return ops.allocate(res, sizeof(T) * static_cast<std::size_t>(count), what);
}

/// The initial centres of every run, stacked (seeds.size() * k rows of x.d
/// floats, packed) in @p centers (backend memory): greedy k-means++, random
/// rows, or @p given (k x d, packed, backend memory) for every run.
/// @p xn: the squared row norms of x (backend memory).
EMBED_METRICS_INTERNAL_API void kmeans_init_centers(const resources& res, const kmeans_ops& ops, kmeans_rows x,
                         const float* xn, const kmeans_params& p, const float* given,
                         const std::vector<std::uint64_t>& seeds, float* centers);

/// The squared row norms of @p x (staged rows) and, from them, the initial
/// centres of every run as kmeans_init_centers, in a new buffer; for
/// kmeans_init::given, p.initial_centers (prepared as x) is staged first.
[[nodiscard]] kmeans_buffer kmeans_seed_centers(const resources& res, const kmeans_ops& ops,
                                                kmeans_rows x, const kmeans_params& p,
                                                const std::vector<std::uint64_t>& seeds);

/// The initial centres of every run for host rows @p x (as prepared by
/// kmeans()), on the host: for benchmarks and tests of the seeding alone.
[[nodiscard]] host_matrix kmeans_init_host(const resources& res, matrix_view x,
                                           const kmeans_params& p,
                                           const std::vector<std::uint64_t>& seeds);

/// Lloyd iterations for every seed together (see kmeans_batch in
/// kmeans.hpp), on rows (and given centres) already prepared: in their frame,
/// of unit length for the cosine metric.
[[nodiscard]] std::vector<kmeans_result> kmeans_lloyd(const resources& res, matrix_view x,
                                                      const kmeans_params& p,
                                                      const std::vector<std::uint64_t>& seeds);

/// The nearest of @p centers for each row of @p x (the first on ties), both
/// prepared in one frame.
[[nodiscard]] std::vector<std::int64_t> kmeans_nearest(const resources& res, matrix_view x,
                                                       matrix_view centers);

}  // namespace embed_metrics::detail
