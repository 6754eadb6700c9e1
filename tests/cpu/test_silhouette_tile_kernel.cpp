// The exact silhouette's tiles from the kNN search's kernel (cpu/knn_tile_gemm,
// CPUs with AVX-512) against those from the BLAS (the path of other CPUs):
// the per-point sums agree within float32 rounding on Gaussian rows, and bit
// for bit on small integers, whose products and sums are exact in float32
// whatever the order of the GEMM's sums.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/row_prep.hpp"
#include "cpu/knn_tile_gemm.hpp"
#include "cpu/silhouette_exact.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/silhouette.hpp"
#include "metrics/silhouette_plan.hpp"

namespace em = embed_metrics;
namespace cpu = embed_metrics::cpu;

namespace {

struct sums {
  std::vector<double> own, b;
};

sums silhouette_sums(const em::host_matrix& x, const std::vector<std::int64_t>& labels,
                     em::silhouette_metric metric, int threads, bool allow_tile_kernel) {
  const auto plan = em::detail::make_silhouette_plan(labels.data(), x.rows());
  const auto frame = em::detail::fit_row_frame(
      x.view(),
      metric == em::silhouette_metric::cosine ? em::detail::row_geometry::cosine
                                              : em::detail::row_geometry::euclidean,
      em::detail::zero_row_policy::keep, threads);
  sums s;
  cpu::silhouette_sums(x.view(), plan, metric, frame, threads, s.own, s.b, allow_tile_kernel);
  return s;
}

// 1500 points: 6 blocks of the silhouette's tiles, two groups of them, the last
// block partly filled (no whole panel); 37 coordinates, no multiple of the
// kernel's vector width. k = 4 makes clusters that span blocks, k = 60 many
// inside one.
constexpr std::int64_t kPoints = 1500;
constexpr std::int64_t kDim = 37;

std::vector<std::int64_t> random_labels(std::int64_t k, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<std::int64_t> u(0, k - 1);
  std::vector<std::int64_t> l(static_cast<std::size_t>(kPoints));
  for (auto& v : l) v = u(gen);
  return l;
}

}  // namespace

TEST(SilhouetteTileKernel, GaussianRowsAgreeWithTheBlasWithinFloat32Rounding) {
  if (!cpu::tile_gemm_available()) GTEST_SKIP() << "this CPU has no AVX-512: the silhouette uses the BLAS";
  std::mt19937 gen(11);
  std::normal_distribution<float> g;
  em::host_matrix x(kPoints, kDim);
  for (std::int64_t i = 0; i < kPoints; ++i)
    for (std::int64_t c = 0; c < kDim; ++c) x(i, c) = g(gen);
  for (std::int64_t k : {4, 60})
    for (auto metric : {em::silhouette_metric::euclidean, em::silhouette_metric::cosine}) {
      SCOPED_TRACE("k=" + std::to_string(k) + " metric=" + std::to_string(static_cast<int>(metric)));
      const auto labels = random_labels(k, 20 + static_cast<unsigned>(k));
      const sums blas = silhouette_sums(x, labels, metric, 2, false);
      const sums kernel = silhouette_sums(x, labels, metric, 2, true);
      ASSERT_EQ(kernel.own.size(), blas.own.size());
      for (std::size_t p = 0; p < blas.own.size(); ++p) {
        // Each distance errs by a few float32 roundings of the norms in either
        // path; sums of like-signed terms keep that relative error.
        ASSERT_NEAR(kernel.own[p], blas.own[p], 1e-5 * blas.own[p] + 1e-12) << "point " << p;
        ASSERT_NEAR(kernel.b[p], blas.b[p], 1e-5 * blas.b[p] + 1e-12) << "point " << p;
      }
    }
}

TEST(SilhouetteTileKernel, IntegerRowsGiveTheBlasBitsForAnyThreadCount) {
  if (!cpu::tile_gemm_available()) GTEST_SKIP() << "this CPU has no AVX-512: the silhouette uses the BLAS";
  // Integers 0..3: in the frame of the rows (shifted by a multiple of 1/2,
  // scaled by a power of two) every dot product and norm is exact in float32
  // in any order, and so is every entry of the tile; the sums in double are
  // taken in the same fixed order by both paths, so the bits must match.
  std::mt19937 gen(12);
  std::uniform_int_distribution<int> u(0, 3);
  em::host_matrix x(kPoints, kDim);
  for (std::int64_t i = 0; i < kPoints; ++i)
    for (std::int64_t c = 0; c < kDim; ++c) x(i, c) = static_cast<float>(u(gen));
  for (std::int64_t k : {4, 60})
    for (auto metric : {em::silhouette_metric::sqeuclidean, em::silhouette_metric::euclidean}) {
      const auto labels = random_labels(k, 30 + static_cast<unsigned>(k));
      const sums blas = silhouette_sums(x, labels, metric, 1, false);
      for (int threads : {1, 2, 3}) {
        SCOPED_TRACE("k=" + std::to_string(k) + " metric=" + std::to_string(static_cast<int>(metric)) +
                     " threads=" + std::to_string(threads));
        const sums kernel = silhouette_sums(x, labels, metric, threads, true);
        EXPECT_EQ(kernel.own, blas.own);
        EXPECT_EQ(kernel.b, blas.b);
      }
    }
}

TEST(SilhouetteTileKernel, PackedColumnsAreTheColumnsAndZeroPadding) {
  // The packing's transposes of 16 x 16 and its element-wise edges: column
  // counts and dimensions below, at and past multiples of 16 and of a panel,
  // into a buffer that held other values (the padding must still be zero).
  std::mt19937 gen(13);
  std::normal_distribution<float> g;
  em::host_matrix y(300, 70);
  for (std::int64_t i = 0; i < y.rows(); ++i)
    for (std::int64_t c = 0; c < y.cols(); ++c) y(i, c) = g(gen);
  std::vector<float> panels;
  for (std::int64_t d : {3, 16, 37, 70})
    for (std::int64_t cols : {5, 16, 47, 48, 107, 288}) {
      SCOPED_TRACE("d=" + std::to_string(d) + " cols=" + std::to_string(cols));
      const em::matrix_view v(y.view().data, y.rows(), d, y.view().ld());  // the first d coordinates
      panels.assign(panels.size(), std::nanf(""));
      const std::int64_t c0 = 300 - cols;
      cpu::pack_tile_columns(v, c0, cols, panels);
      const std::int64_t count = (cols + cpu::kTilePanel - 1) / cpu::kTilePanel;
      ASSERT_EQ(panels.size(), static_cast<std::size_t>(count * d * cpu::kTilePanel));
      for (std::int64_t j = 0; j < count * cpu::kTilePanel; ++j)
        for (std::int64_t t = 0; t < d; ++t) {
          const float got = panels[static_cast<std::size_t>((j / cpu::kTilePanel) * d * cpu::kTilePanel +
                                                            t * cpu::kTilePanel + j % cpu::kTilePanel)];
          const float want = j < cols ? y(c0 + j, t) : 0.0f;
          ASSERT_EQ(got, want) << "column " << j << ", coordinate " << t;
        }
    }
}
