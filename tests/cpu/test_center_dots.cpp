// The direct distances of the Lloyd pass (cpu/center_dots): -2 x.c for
// every row and centre, against the dot products in double, over shapes
// that exercise every remainder (rows not a multiple of the register block,
// centres not a multiple of it, d below, at and above a vector, a strided
// input); and the row sums it adds, against a plain double loop (equal: each
// sum is the same additions in the same order).
#include <cmath>
#include <vector>

#include "common/test_util.hpp"
#include "cpu/center_dots.hpp"

namespace em = embed_metrics;

namespace {

bool check_shape(std::int64_t rows, std::int64_t m, std::int64_t d, std::int64_t pad) {
  const std::int64_t ld = d + pad;
  const auto x = em_test::random_normal(rows, ld, em_test::test_seed(71 + rows));
  const auto c = em_test::random_normal(m, ld, em_test::test_seed(72 + m));
  std::vector<float> t(static_cast<std::size_t>(rows * m), 0.0f);
  if (!em::cpu::center_dots(rows, m, d, x.data(), ld, c.data(), ld, t.data())) return false;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t k = 0; k < m; ++k) {
      double dot = 0.0, mag = 0.0;
      for (std::int64_t j = 0; j < d; ++j) {
        dot += static_cast<double>(x(i, j)) * c(k, j);
        mag += std::abs(static_cast<double>(x(i, j)) * c(k, j));
      }
      // Lane-wise float32 sums (8 or 16 lanes, then the lanes): at most
      // d / 8 + 8 roundings of 2^-24 each, relative to the sum of magnitudes.
      const double bound = 2.0 * mag * (static_cast<double>(d) / 8.0 + 8.0) * 0x1p-24;
      EXPECT_NEAR(t[static_cast<std::size_t>(i * m + k)], -2.0 * dot, bound)
          << rows << " x " << m << " x " << d << ", entry " << i << ", " << k;
    }
  return true;
}

}  // namespace

TEST(CenterDots, EveryRemainderAgainstDoubleDots) {
  bool direct = true;
  for (const std::int64_t d : {1, 7, 8, 15, 16, 17, 33, 512, 515})
    for (const std::int64_t m : {1, 2, 3, 4, 5, 9, 10, 64})
      for (const std::int64_t rows : {1, 3, 4, 5, 128})
        direct = check_shape(rows, m, d, d % 3) && direct;
  if (!direct) GTEST_SKIP() << "this CPU has neither AVX-512F nor AVX2 with FMA: Lloyd uses its sgemm";
}

TEST(CenterDots, ManyCentresAreLeftToTheGemm) {
  std::vector<float> x(8, 1.0f), c(static_cast<std::size_t>(8 * (em::cpu::kDirectCenterDotsMax + 1)), 1.0f);
  std::vector<float> t(static_cast<std::size_t>(em::cpu::kDirectCenterDotsMax + 1), 7.0f);
  EXPECT_FALSE(em::cpu::center_dots(1, em::cpu::kDirectCenterDotsMax + 1, 8, x.data(), 8, c.data(), 8, t.data()));
  for (const float v : t) EXPECT_EQ(v, 7.0f);  // nothing written
}

TEST(CenterDots, RowSumsEqualAPlainLoop) {
  const std::int64_t rows = 37, d = 21, k = 5;
  const auto x = em_test::random_normal(rows, d + 2, em_test::test_seed(73));
  std::vector<std::int32_t> labels(static_cast<std::size_t>(rows));
  for (std::int64_t i = 0; i < rows; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 7) % k);
  std::vector<double> got(static_cast<std::size_t>(k * d), 0.5), want(got);
  em::cpu::add_rows_to_labels(rows, d, x.data(), d + 2, labels.data(), got.data());
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < d; ++j)
      want[static_cast<std::size_t>(labels[static_cast<std::size_t>(i)] * d + j)] += static_cast<double>(x(i, j));
  EXPECT_EQ(got, want);
}
