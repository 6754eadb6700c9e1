// The kNN search's tile kernel (cpu/knn_tile_gemm) against dot products in
// double, its symmetry (the same bits for (i, j) and (j, i), on which the
// diagonal tiles' upper half relies), and the search's candidates with the
// kernel against those with the BLAS per tile (the path of CPUs without
// AVX-512).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "cpu/knn.hpp"
#include "cpu/knn_tile_gemm.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/matrix.hpp"

namespace em = embed_metrics;
namespace cpu = embed_metrics::cpu;

namespace {

em::host_matrix gaussian(std::int64_t n, std::int64_t d, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> g;
  em::host_matrix x(n, d);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < d; ++c) x(i, c) = g(gen);
  return x;
}

// Rows and columns that are no multiple of the kernel's 8 rows or its panel.
constexpr std::int64_t kRows = 61;
constexpr std::int64_t kCols = 107;
constexpr std::int64_t kDim = 37;
// kCols padded to whole panels.
constexpr std::int64_t kPaddedCols = (kCols + cpu::kTilePanel - 1) / cpu::kTilePanel * cpu::kTilePanel;

}  // namespace

TEST(KnnTileGemm, MatchesDoubleDotProducts) {
  if (!cpu::tile_gemm_available()) GTEST_SKIP() << "this CPU has no AVX-512: the search uses the BLAS";
  const em::host_matrix x = gaussian(200, kDim, 1);
  const std::int64_t r0 = 5, c0 = 70;
  std::vector<float> panels;
  cpu::pack_tile_columns(x.view(), c0, kCols, panels);
  const std::int64_t ldc = kPaddedCols;
  std::vector<float> c(static_cast<std::size_t>(kRows * ldc), 0.0f);
  cpu::tile_gemm(x.view().row(r0), x.view().ld(), kRows, kDim, panels, kCols, -2.0f, false,
                 c.data(), ldc);
  for (std::int64_t i = 0; i < kRows; ++i)
    for (std::int64_t j = 0; j < kCols; ++j) {
      double dot = 0.0, mag = 0.0;
      for (std::int64_t t = 0; t < kDim; ++t) {
        const double p = static_cast<double>(x(r0 + i, t)) * x(c0 + j, t);
        dot += p;
        mag += std::fabs(p);
      }
      // float32 accumulation over kDim terms: a few units of rounding of the
      // terms' magnitude
      const double tol = 2.0 * kDim * std::numeric_limits<float>::epsilon() * mag + 1e-30;
      ASSERT_NEAR(c[static_cast<std::size_t>(i * ldc + j)], -2.0 * dot, 2.0 * tol)
          << "row " << i << ", column " << j;
    }
}

TEST(KnnTileGemm, SymmetricBitsAndTheUpperHalfAlone) {
  if (!cpu::tile_gemm_available()) GTEST_SKIP() << "this CPU has no AVX-512: the search uses the BLAS";
  const em::host_matrix x = gaussian(kCols, kDim, 2);
  std::vector<float> panels;
  cpu::pack_tile_columns(x.view(), 0, kCols, panels);
  const std::int64_t ldc = kPaddedCols;
  std::vector<float> full(static_cast<std::size_t>(kCols * ldc), 0.0f);
  cpu::tile_gemm(x.view().row(0), x.view().ld(), kCols, kDim, panels, kCols, -2.0f, false,
                 full.data(), ldc);
  std::vector<float> upper(full.size(), std::numeric_limits<float>::quiet_NaN());
  cpu::tile_gemm(x.view().row(0), x.view().ld(), kCols, kDim, panels, kCols, -2.0f, true,
                 upper.data(), ldc);
  std::int64_t skipped = 0;
  for (std::int64_t i = 0; i < kCols; ++i)
    for (std::int64_t j = 0; j < kCols; ++j) {
      const float a = full[static_cast<std::size_t>(i * ldc + j)];
      const float b = full[static_cast<std::size_t>(j * ldc + i)];
      ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "(" << i << ", " << j << ")";
      const float u = upper[static_cast<std::size_t>(i * ldc + j)];
      if (j > i)
        ASSERT_EQ(std::memcmp(&a, &u, sizeof a), 0) << "upper (" << i << ", " << j << ")";
      else if (std::isnan(u))
        ++skipped;
    }
  EXPECT_GT(skipped, 0) << "the upper call computed the whole tile";
}

TEST(KnnTileGemm, SearchGivesTheBlasPathsCandidatesAndNeighbours) {
  // Without AVX-512 both sides of the comparison are the BLAS path.
  if (!cpu::tile_gemm_available()) GTEST_SKIP() << "this CPU has no AVX-512: the search uses the BLAS";
  // Small integers: every dot product is exact in float32 whatever the
  // order of the sums, so both paths must keep the very same lists, ties
  // (many: values 0..2) decided by index alike. Gaussian rows: the same k
  // nearest after the refinement in double. Over 480 rows: several tiles.
  std::mt19937 gen(3);
  std::uniform_int_distribution<int> u(0, 2);
  em::host_matrix ints(1100, 9);
  for (std::int64_t i = 0; i < ints.rows(); ++i)
    for (std::int64_t c = 0; c < ints.cols(); ++c) ints(i, c) = static_cast<float>(u(gen));
  const em::host_matrix gauss = gaussian(1100, 24, 4);
  const em::host_matrix* sets[] = {&ints, &gauss};
  for (const em::host_matrix* x : sets) {
    const std::int64_t k = 3;
    const std::int64_t cap = cpu::knn_candidates(k, x->rows());
    for (int threads : {1, 2}) {
      std::vector<std::int64_t> with_kernel, with_blas;
      cpu::knn_select(x->view(), cap, em::knn_metric::euclidean, threads, with_kernel, true);
      cpu::knn_select(x->view(), cap, em::knn_metric::euclidean, threads, with_blas, false);
      if (x == &ints) {
        EXPECT_EQ(with_kernel, with_blas) << threads << " threads";
      }
      const em::knn_result a =
          cpu::knn_refine(x->view(), k, cap, em::knn_metric::euclidean, with_kernel.data(), threads);
      const em::knn_result b =
          cpu::knn_refine(x->view(), k, cap, em::knn_metric::euclidean, with_blas.data(), threads);
      EXPECT_EQ(a.indices, b.indices) << threads << " threads";
      EXPECT_EQ(a.distances, b.distances) << threads << " threads";
    }
  }
}
