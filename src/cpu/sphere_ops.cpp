// CPU primitives of the metrics of L2-normalised rows.
//
// The Gaussian potential sum runs over the tiles (I, J), J >= I, of
// kBlock x kBlock pairs: one single-threaded SGEMM per tile gives -2 z_i.z_j,
// and the same pass (the tile still in cache) turns it into
// exp(-t ||z_i - z_j||^2) and sums it, so no n x n matrix exists and the
// exponential costs a few vector operations per pair next to the 2d flops
// of the GEMM. Each tile's sum is in double, stored by tile index and added
// in index order: the result does not depend on the thread count.

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "backend/label_free_dispatch.hpp"
#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/distance_tile.hpp"
#include "cpu/gram.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

constexpr std::int64_t kBlock = 256;
constexpr std::int64_t kRowBlock = 1024;
// exp_neg below is accurate for arguments down to -kFastExpRange; for unit
// vectors t ||z_i - z_j||^2 <= 4 t, so t <= kFastExpRange / 4 uses it.
constexpr float kFastExpRange = 80.0f;

// exp(y) for -80 <= y <= 0 in float, vectorisable: y = k ln 2 + r with
// |r| <= ln 2 / 2 (two-part ln 2), a degree-7 Taylor polynomial for e^r
// (truncation below 1e-8 relative) and 2^k from the exponent bits.
inline float exp_neg(float y) {
  const float kf = (y * 1.44269504f + 12582912.0f) - 12582912.0f;  // round to nearest
  const float r = (y - kf * 0.693145752f) - kf * 1.42860677e-6f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(kf) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

host_matrix unit_rows(matrix_view x, const char* name, int threads) {
  const detail::row_frame frame = detail::fit_row_frame(x, detail::row_geometry::cosine,
                                                        detail::zero_row_policy::reject, threads);
  return detail::prepare_rows(x, frame, name, threads);
}

// One tile's sum of exp(-t d^2) over its pairs (only j > i on the diagonal tiles).
double tile_sum(const float* z, const float* norms, std::int64_t d, std::int64_t i0,
                std::int64_t m, std::int64_t j0, std::int64_t nn, float t, bool fast, float* buf) {
  sgemm_nt_tile(m, nn, d, -2.0f, z + i0 * d, d, z + j0 * d, d, 0.0f, buf, kBlock);
  double total = 0.0;
  for (std::int64_t r = 0; r < m; ++r) {
    const float* row = buf + r * kBlock;
    const float ni = norms[i0 + r];
    const float* nj = norms + j0;
    const std::int64_t c0 = i0 == j0 ? r + 1 : 0;
    if (fast) {
      float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
      for (std::int64_t c = c0; c < nn; ++c) {
        const float d2 = std::max(0.0f, ni + nj[c] + row[c]);
        acc += exp_neg(-t * d2);
      }
      total += static_cast<double>(acc);
    } else {
      for (std::int64_t c = c0; c < nn; ++c) {
        const double d2 = std::max(0.0f, ni + nj[c] + row[c]);
        total += std::exp(-static_cast<double>(t) * d2);
      }
    }
  }
  return total;
}

class cpu_sphere final : public detail::sphere_ops {
 public:
  double gaussian_potential_sum(const resources& res, matrix_view x, double t) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    const int threads = std::max(1, res.threads());
    const host_matrix z = unit_rows(x, "x", threads);
    const std::int64_t n = x.rows;
    const std::int64_t d = x.cols;
    std::vector<float> norms(static_cast<std::size_t>(n));
    row_sqnorms(z.view(), norms.data(), threads);
    const std::int64_t nb = (n + kBlock - 1) / kBlock;
    std::vector<std::pair<std::int64_t, std::int64_t>> tiles;
    tiles.reserve(static_cast<std::size_t>(nb * (nb + 1) / 2));
    for (std::int64_t i = 0; i < nb; ++i)
      for (std::int64_t j = i; j < nb; ++j) tiles.emplace_back(i, j);
    std::vector<double> sums(tiles.size(), 0.0);
    const bool fast = t <= static_cast<double>(kFastExpRange) / 4.0;
    const float tf = static_cast<float>(t);
    const single_threaded_blas one_blas_thread;
#pragma omp parallel num_threads(threads)
    {
      std::vector<float> buf(static_cast<std::size_t>(kBlock * kBlock));
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t p = 0; p < static_cast<std::int64_t>(tiles.size()); ++p) {
        const auto [bi, bj] = tiles[static_cast<std::size_t>(p)];
        const std::int64_t i0 = bi * kBlock;
        const std::int64_t j0 = bj * kBlock;
        sums[static_cast<std::size_t>(p)] =
            tile_sum(z.data(), norms.data(), d, i0, std::min(kBlock, n - i0), j0,
                     std::min(kBlock, n - j0), tf, fast, buf.data());
      }
    }
    return std::accumulate(sums.begin(), sums.end(), 0.0);
  }

  double alignment_sum(const resources& res, matrix_view a, matrix_view b,
                       double alpha) const override {
    detail::check_host(a, "a", res);
    detail::check_host(b, "b", res);
    detail::check_finite(a, "a");
    detail::check_finite(b, "b");
    const std::int64_t n = a.rows;
    const std::int64_t d = a.cols;
    const std::int64_t blocks = (n + kRowBlock - 1) / kRowBlock;
    std::vector<double> part(static_cast<std::size_t>(blocks), 0.0);
    std::vector<std::int64_t> zero(static_cast<std::size_t>(blocks), -1);
#pragma omp parallel for num_threads(std::max(1, res.threads())) schedule(static)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
      double s = 0.0;
      for (std::int64_t i = blk * kRowBlock; i < std::min(n, (blk + 1) * kRowBlock); ++i) {
        const float* ra = a.row(i);
        const float* rb = b.row(i);
        double na = 0.0, nb = 0.0;
        for (std::int64_t j = 0; j < d; ++j) {
          na += static_cast<double>(ra[j]) * ra[j];
          nb += static_cast<double>(rb[j]) * rb[j];
        }
        if (na == 0.0 || nb == 0.0) {
          if (zero[static_cast<std::size_t>(blk)] < 0) zero[static_cast<std::size_t>(blk)] = i;
          continue;
        }
        const double ia = 1.0 / std::sqrt(na);
        const double ib = 1.0 / std::sqrt(nb);
        double d2 = 0.0;
        for (std::int64_t j = 0; j < d; ++j) {
          const double diff = ra[j] * ia - rb[j] * ib;
          d2 += diff * diff;
        }
        s += alpha == 2.0 ? d2 : std::pow(d2, 0.5 * alpha);
      }
      part[static_cast<std::size_t>(blk)] = s;
    }
    for (const std::int64_t z : zero)
      EM_EXPECTS(z < 0, "alignment: row ", z, " of a or b is all zeros and has no direction; drop that pair");
    return std::accumulate(part.begin(), part.end(), 0.0);
  }

  std::vector<double> normalized_column_std(const resources& res, matrix_view x) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    const int threads = std::max(1, res.threads());
    const std::int64_t n = x.rows;
    const std::int64_t d = x.cols;
    std::vector<double> inv(static_cast<std::size_t>(n));
    std::int64_t first_zero = std::numeric_limits<std::int64_t>::max();
#pragma omp parallel for num_threads(threads) schedule(static) reduction(min : first_zero)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      double s = 0.0;
      for (std::int64_t j = 0; j < d; ++j) s += static_cast<double>(r[j]) * r[j];
      if (s == 0.0) first_zero = std::min(first_zero, i);
      inv[static_cast<std::size_t>(i)] = s > 0.0 ? 1.0 / std::sqrt(s) : 0.0;
    }
    EM_EXPECTS(first_zero == std::numeric_limits<std::int64_t>::max(), "collapse std: row ",
               first_zero, " of x is all zeros and has no direction; drop it");
    // The column spread of the unit rows: each row scaled by its inverse norm.
    std::vector<double> mean;
    std::vector<double> ss;
    column_moments(x, inv.data(), threads, mean, ss);
    for (double& v : ss) v = std::sqrt(v / static_cast<double>(n - 1));
    return ss;
  }
};

}  // namespace
}  // namespace embed_metrics::cpu

namespace embed_metrics::detail {
const sphere_ops& cpu_sphere_ops() {
  static const cpu::cpu_sphere ops;
  return ops;
}
}  // namespace embed_metrics::detail
