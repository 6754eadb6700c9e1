#include "cpu/group_means.hpp"

#include <algorithm>

namespace embed_metrics::cpu {

void group_means(matrix_view x, const std::vector<std::int64_t>& dense, std::int64_t groups,
                 int threads, std::vector<std::int64_t>& counts, std::vector<double>& means) {
  constexpr std::int64_t kColumnChunk = 16;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  counts.assign(static_cast<std::size_t>(groups), 0);
  for (const std::int64_t g : dense) ++counts[static_cast<std::size_t>(g)];
  means.assign(static_cast<std::size_t>(groups * d), 0.0);
  const std::int64_t chunks = (d + kColumnChunk - 1) / kColumnChunk;
#pragma omp parallel for num_threads(std::max(1, threads)) schedule(static)
  for (std::int64_t c = 0; c < chunks; ++c) {
    const std::int64_t j0 = c * kColumnChunk;
    const std::int64_t j1 = std::min(d, j0 + kColumnChunk);
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      double* mu = means.data() + dense[static_cast<std::size_t>(i)] * d;
      for (std::int64_t j = j0; j < j1; ++j) mu[j] += r[j];
    }
    for (std::int64_t g = 0; g < groups; ++g)
      for (std::int64_t j = j0; j < j1; ++j)
        means[static_cast<std::size_t>(g * d + j)] /= static_cast<double>(counts[static_cast<std::size_t>(g)]);
  }
}

}  // namespace embed_metrics::cpu
