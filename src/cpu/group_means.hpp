#pragma once
// Per-group row counts and means in double, shared by the cluster scores
// (Davies-Bouldin, Calinski-Harabasz) and LiDAR's scatter matrices.

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// For dense group ids @p dense (0 .. groups - 1, one per row of the host
/// view @p x): @p counts[g] rows in group g and @p means (groups x d,
/// row-major) their column means. Each column chunk is summed by one thread
/// in row order, so the result does not depend on the thread count.
void group_means(matrix_view x, const std::vector<std::int64_t>& dense, std::int64_t groups,
                 int threads, std::vector<std::int64_t>& counts, std::vector<double>& means);

}  // namespace embed_metrics::cpu
