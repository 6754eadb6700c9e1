// CPU primitives of Davies-Bouldin and Calinski-Harabasz: centroids in
// double with each thread owning a range of columns (every sum runs over
// the rows in order, so no partial copies of k x d and no dependence on
// the thread count), then each row's distance to its centroid, summed per
// cluster in row order.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "backend/label_free_dispatch.hpp"
#include "core/validate.hpp"
#include "cpu/group_means.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

class cpu_cluster_scores final : public detail::cluster_score_ops {
 public:
  detail::cluster_moments moments(const resources& res, matrix_view x,
                                  const std::vector<std::int64_t>& dense,
                                  std::int64_t k) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    const int threads = std::max(1, res.threads());
    const std::int64_t n = x.rows;
    const std::int64_t d = x.cols;
    detail::cluster_moments m;
    m.k = k;
    group_means(x, dense, k, threads, m.counts, m.centroids);
    std::vector<double> sq(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      const double* cen = m.centroids.data() + dense[static_cast<std::size_t>(i)] * d;
      double s = 0.0;
      for (std::int64_t j = 0; j < d; ++j) {
        const double diff = r[j] - cen[j];
        s += diff * diff;
      }
      sq[static_cast<std::size_t>(i)] = s;
    }
    m.distance_sum.assign(static_cast<std::size_t>(k), 0.0);
    m.sqdistance_sum.assign(static_cast<std::size_t>(k), 0.0);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto l = static_cast<std::size_t>(dense[static_cast<std::size_t>(i)]);
      m.distance_sum[l] += std::sqrt(sq[static_cast<std::size_t>(i)]);
      m.sqdistance_sum[l] += sq[static_cast<std::size_t>(i)];
    }
    return m;
  }
};

}  // namespace
}  // namespace embed_metrics::cpu

namespace embed_metrics::detail {
const cluster_score_ops& cpu_cluster_score_ops() {
  static const cpu::cpu_cluster_scores ops;
  return ops;
}
}  // namespace embed_metrics::detail
