#pragma once
// Per-dimension histograms of a float32 matrix (numpy.histogram's equal-width
// bins) and their plug-in entropies.

#include <cstdint>

#include "embed_metrics/entropy.hpp"

namespace embed_metrics::cpu {

/// histogram_entropy() on host memory; entropies in nats (the caller converts).
[[nodiscard]] histogram_entropy_result histogram_entropy(matrix_view x, const histogram_params& p,
                                                         int threads);

}  // namespace embed_metrics::cpu
