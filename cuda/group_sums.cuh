#pragma once
// Per-group column means of device rows, in double and in a fixed order:
// the rows of each group are listed (host counting sort by group id), and
// one thread per (group, column) sums its group's rows in that order. Shared
// by the cluster-score and LiDAR primitives.

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "cuda/core/buffer.cuh"

namespace embed_metrics::gpu {

/// The rows of each group, grouped: order[start[g] .. start[g + 1]) are the
/// rows of group g in increasing order.
struct group_order {
  std::vector<std::int64_t> start;  // groups + 1
  std::vector<std::int64_t> order;  // n
};

[[nodiscard]] group_order order_by_group(const std::vector<std::int64_t>& dense, std::int64_t groups);

/// means (groups x d, device, row-major) of the rows of x (ld ldx) per group.
void group_means(const float* x, std::int64_t ldx, std::int64_t d, const group_order& g,
                 device_buffer<double>& means, cudaStream_t stream);

}  // namespace embed_metrics::gpu
