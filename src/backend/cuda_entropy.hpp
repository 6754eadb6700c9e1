#pragma once
// CUDA backend pieces of the entropy and spectrum metrics (cuda/entropy.cu),
// in plain C++ for the dispatch in src/metrics/entropy.cpp. The kNN entropy
// uses the CUDA kNN (backend/cuda_knn.hpp); the eigen-decompositions of the
// small Gram matrices run on the host, with the same thresholds as the CPU.

#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::gpu {

/// As cpu::gram: g (d x d) = sum_i (x_i - s)(x_i - s)^T, colsum = sum_i (x_i - s),
/// s = row 0 when @p shift_by_first_row else 0; rows converted to double in
/// blocks on the device and multiplied with cublasDgemm. Results on the host.
void gram(const resources& res, matrix_view x, bool shift_by_first_row, std::vector<double>& g,
          std::vector<double>& colsum);

/// As cpu::row_gram: k (n x n) = Y Y^T, Y = x minus its column means (in
/// double) when @p centre, else x; columns converted to double in blocks on
/// the device, cublasDgemm for the product. Result on the host.
void row_gram(const resources& res, matrix_view x, bool centre, std::vector<double>& k);

/// A packed host copy of @p x (a device or host view).
[[nodiscard]] host_matrix download(const resources& res, matrix_view x);

}  // namespace embed_metrics::gpu
