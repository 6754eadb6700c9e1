// CPU primitives of the spectrum metrics: the centred second moments from
// cpu::gram / cpu::row_gram (the Gaussian entropy's and effective rank's
// passes), and the within-group scatter from residuals in double and dgemm.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "backend/label_free_dispatch.hpp"
#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/gram.hpp"
#include "cpu/group_means.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

constexpr std::int64_t kResidualRows = 2048;

class cpu_spectrum final : public detail::spectrum_ops {
 public:
  std::vector<double> centred_second_moments(const resources& res, matrix_view x) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    const std::int64_t n = x.rows;
    const std::int64_t d = x.cols;
    std::vector<double> g;
    if (n < d) {
      row_gram(x, /*centre=*/true, g, res.threads());
      return g;
    }
    std::vector<double> s;
    // Shifted by the first row, so data far from the origin keep their digits.
    gram(x, /*shift_by_first_row=*/true, g, s, res.threads());
    const double nd = static_cast<double>(n);
    for (std::int64_t i = 0; i < d; ++i)
      for (std::int64_t j = 0; j < d; ++j)
        g[static_cast<std::size_t>(i * d + j)] -=
            s[static_cast<std::size_t>(i)] * s[static_cast<std::size_t>(j)] / nd;
    return g;
  }

  detail::group_scatter scatter(const resources& res, matrix_view x,
                                const std::vector<std::int64_t>& dense,
                                std::int64_t groups) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    const int threads = std::max(1, res.threads());
    const std::int64_t n = x.rows;
    const std::int64_t d = x.cols;
    detail::group_scatter s;
    s.groups = groups;
    group_means(x, dense, groups, threads, s.counts, s.means);
    s.within.assign(static_cast<std::size_t>(d * d), 0.0);
    std::vector<double> resid(static_cast<std::size_t>(std::min(n, kResidualRows) * d));
    for (std::int64_t i0 = 0; i0 < n; i0 += kResidualRows) {
      const std::int64_t rows = std::min(kResidualRows, n - i0);
#pragma omp parallel for num_threads(threads) schedule(static)
      for (std::int64_t i = 0; i < rows; ++i) {
        const float* r = x.row(i0 + i);
        const double* mu = s.means.data() + dense[static_cast<std::size_t>(i0 + i)] * d;
        double* out = resid.data() + i * d;
        for (std::int64_t j = 0; j < d; ++j) out[j] = r[j] - mu[j];
      }
      dgemm_tn(d, d, rows, 1.0, resid.data(), d, resid.data(), d, 1.0, s.within.data(), d, threads);
    }
    return s;
  }
};

}  // namespace
}  // namespace embed_metrics::cpu

namespace embed_metrics::detail {
const spectrum_ops& cpu_spectrum_ops() {
  static const cpu::cpu_spectrum ops;
  return ops;
}
}  // namespace embed_metrics::detail
