#include "cpu/silhouette_simplified.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "cpu/distance_tile.hpp"

namespace embed_metrics::cpu {
namespace {

constexpr std::int64_t kRows = 256;

// The metric's distance between a point and a centroid, in double from the
// coordinates (cosine: both already unit length, or zero).
double direct(const float* p, const double* c, std::int64_t d, silhouette_metric metric) {
  double s = 0.0;
  if (metric == silhouette_metric::cosine) {
    for (std::int64_t j = 0; j < d; ++j) s += static_cast<double>(p[j]) * c[j];
    return std::max(1.0 - s, 0.0);
  }
  for (std::int64_t j = 0; j < d; ++j) {
    const double t = static_cast<double>(p[j]) - c[j];
    s += t * t;
  }
  return metric == silhouette_metric::euclidean ? std::sqrt(s) : s;
}

}  // namespace

void silhouette_centroid_distances(matrix_view x, const detail::silhouette_plan& plan,
                                   silhouette_metric metric, const detail::row_frame& frame,
                                   int threads, std::vector<double>& a, std::vector<double>& b) {
  const std::int64_t n = plan.n;
  const std::int64_t d = x.cols;
  const std::int64_t k = plan.k;
  threads = std::max(1, threads);
  const bool cosine = metric == silhouette_metric::cosine;

  // Points in cluster order, in the frame of core/row_prep (centred and
  // scaled by a power of two; unit rows for cosine).
  std::vector<float> xp(static_cast<std::size_t>(n * d));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t p = 0; p < n; ++p)
    static_cast<void>(detail::prepare_row(x.row(plan.source_row[static_cast<std::size_t>(p)]), d,
                                          frame, xp.data() + p * d));

  // Centroids in double (each cluster summed in position order), and as
  // float for the GEMM (unit length for cosine).
  std::vector<double> cd(static_cast<std::size_t>(k * d), 0.0);
  std::vector<float> cf(static_cast<std::size_t>(k * d));
  std::vector<float> cn(static_cast<std::size_t>(k));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t c = 0; c < k; ++c) {
    double* m = cd.data() + c * d;
    const std::int64_t p0 = plan.start[static_cast<std::size_t>(c)];
    const std::int64_t p1 = plan.start[static_cast<std::size_t>(c) + 1];
    for (std::int64_t p = p0; p < p1; ++p)
      for (std::int64_t j = 0; j < d; ++j) m[j] += xp[static_cast<std::size_t>(p * d + j)];
    double s = 0.0;
    for (std::int64_t j = 0; j < d; ++j) {
      m[j] /= static_cast<double>(p1 - p0);
      s += m[j] * m[j];
    }
    const double scale = cosine ? (s > 0.0 ? 1.0 / std::sqrt(s) : 0.0) : 1.0;
    for (std::int64_t j = 0; j < d; ++j) {
      m[j] *= scale;
      cf[static_cast<std::size_t>(c * d + j)] = static_cast<float>(m[j]);
    }
  }
  row_sqnorms(matrix_view(cf.data(), k, d), cn.data(), threads);
  std::vector<float> xn(static_cast<std::size_t>(n));
  row_sqnorms(matrix_view(xp.data(), n, d), xn.data(), threads);

  // b from GEMM tiles of kRows points x k centroids; the one that decides b
  // (the nearest other centroid) is then recomputed from the coordinates, and
  // a is always computed from the coordinates.
  a.assign(static_cast<std::size_t>(n), 0.0);
  b.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<float> tile(static_cast<std::size_t>(kRows * k));
  for (std::int64_t r0 = 0; r0 < n; r0 += kRows) {
    const std::int64_t rows = std::min(kRows, n - r0);
    sqdist_tile(matrix_view(xp.data() + r0 * d, rows, d), xn.data() + r0,
                matrix_view(cf.data(), k, d), cn.data(), tile.data(), k, threads);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::int64_t p = r0 + i;
      const std::int32_t own = plan.cluster[static_cast<std::size_t>(p)];
      const float* t = tile.data() + i * k;
      std::int64_t best = -1;
      float best_v = std::numeric_limits<float>::infinity();
      for (std::int64_t c = 0; c < k; ++c)
        if (c != own && t[c] < best_v) {
          best_v = t[c];
          best = c;
        }
      const float* xi = xp.data() + p * d;
      a[static_cast<std::size_t>(p)] = direct(xi, cd.data() + own * d, d, metric);
      double bv = direct(xi, cd.data() + best * d, d, metric);
      // Centroids within float rounding of the best one could be nearer: check them exactly.
      const float slack = 1e-4f * (xn[static_cast<std::size_t>(p)] + best_v) + 1e-6f;
      for (std::int64_t c = 0; c < k; ++c)
        if (c != own && c != best && t[c] <= best_v + slack)
          bv = std::min(bv, direct(xi, cd.data() + c * d, d, metric));
      b[static_cast<std::size_t>(p)] = bv;
    }
  }
}

}  // namespace embed_metrics::cpu
