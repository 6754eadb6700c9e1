#include "cpu/distance_tile.hpp"

#include <algorithm>

#include "cpu/blas.hpp"

namespace embed_metrics::cpu {

void row_sqnorms(matrix_view x, float* out, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const float* r = x.row(i);
    double s = 0.0;
    for (std::int64_t j = 0; j < x.cols; ++j) s += static_cast<double>(r[j]) * r[j];
    out[i] = static_cast<float>(s);
  }
}

void sqdist_tile(matrix_view x, const float* x_norms, matrix_view y, const float* y_norms,
                 float* out, std::int64_t ldo, int threads, self_pairs self) {
  const std::int64_t m = x.rows;
  const std::int64_t n = y.rows;
  sgemm_nt(m, n, x.cols, -2.0f, x.data, x.ld(), y.data, y.ld(), 0.0f, out, ldo, threads);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < m; ++i) {
    float* r = out + i * ldo;
    const float xi = x_norms[i];
    for (std::int64_t j = 0; j < n; ++j) r[j] = std::max(r[j] + xi + y_norms[j], 0.0f);
    if (self.same_set) {
      const std::int64_t j = self.row_base + i - self.col_base;
      if (j >= 0 && j < n) r[j] = 0.0f;
    }
  }
}

}  // namespace embed_metrics::cpu
