#pragma once
// CUDA backend of the exact kNN search (cuda/knn.cu), in plain C++ for the
// dispatch in src/metrics/knn.cpp.

#include <cstdint>

#include "embed_metrics/knn.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::gpu {

/// Largest k the CUDA kNN supports (its per-row candidate buffer holds 128).
inline constexpr std::int64_t kMaxKnnK = 124;

/// Exact kNN of the rows of @p x (host or device view); result on the host.
[[nodiscard]] knn_result knn(const resources& res, matrix_view x, std::int64_t k,
                             knn_metric metric);

}  // namespace embed_metrics::gpu
