// pairwise_sqeuclidean on the CPU against a float64 reference.
#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/distance.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

namespace {

double ref_sqdist(const em::host_matrix& a, std::int64_t i, const em::host_matrix& b, std::int64_t j) {
  double s = 0.0;
  for (std::int64_t c = 0; c < a.cols(); ++c) {
    const double t = static_cast<double>(a(i, c)) - b(j, c);
    s += t * t;
  }
  return s;
}

}  // namespace

TEST(Distance, MatchesFloat64Reference) {
  const auto seed = em_test::test_seed(11);
  const auto x = em_test::random_normal(97, 33, seed);
  const auto y = em_test::random_normal(41, 33, seed + 1);
  em::resources res("cpu", 2);
  const auto d = em::pairwise_sqeuclidean(res, x.view(), y.view());
  ASSERT_EQ(d.rows(), 97);
  ASSERT_EQ(d.cols(), 41);
  for (std::int64_t i = 0; i < 97; ++i)
    for (std::int64_t j = 0; j < 41; ++j) {
      const double r = ref_sqdist(x, i, y, j);
      EXPECT_NEAR(d(i, j), r, 1e-5 * (1.0 + r)) << i << "," << j;
    }
}

TEST(Distance, SameRowsGiveExactZeroDiagonalAndNoNegatives) {
  // Large offset: ||x||^2 is big, so the GEMM form cancels badly.
  auto x = em_test::random_normal(64, 16, em_test::test_seed(5));
  for (std::int64_t i = 0; i < 64; ++i)
    for (std::int64_t j = 0; j < 16; ++j) x(i, j) += 1000.0f;
  em::resources res("cpu", 1);
  const auto d = em::pairwise_sqeuclidean(res, x.view(), x.view());
  for (std::int64_t i = 0; i < 64; ++i) {
    EXPECT_EQ(d(i, i), 0.0f);
    for (std::int64_t j = 0; j < 64; ++j) EXPECT_GE(d(i, j), 0.0f);
  }
}

TEST(Distance, StridedViewsAndStridedOutput) {
  const auto base = em_test::random_normal(20, 10, em_test::test_seed(3));
  // The first 6 columns of each row, rows 10 apart.
  const em::matrix_view x(base.data(), 20, 6, 10);
  em::host_matrix out(20, 25);
  em::resources res("cpu", 2);
  em::pairwise_sqeuclidean(res, x, x, em::mutable_matrix_view(out.data(), 20, 20, 25));
  em::host_matrix packed(20, 6);
  for (int i = 0; i < 20; ++i)
    for (int j = 0; j < 6; ++j) packed(i, j) = base(i, j);
  for (int i = 0; i < 20; ++i)
    for (int j = 0; j < 20; ++j) {
      const double r = ref_sqdist(packed, i, packed, j);
      EXPECT_NEAR(out(i, j), r, 1e-5 * (1.0 + r));
    }
}

TEST(Distance, SameResultWhateverTheThreadCount) {
  const auto x = em_test::random_normal(300, 70, em_test::test_seed(9));
  em::resources r1("cpu", 1);
  em::resources r2("cpu", 2);
  const auto a = em::pairwise_sqeuclidean(r1, x.view(), x.view());
  const auto b = em::pairwise_sqeuclidean(r2, x.view(), x.view());
  EXPECT_EQ(a.values(), b.values());
}

TEST(Distance, RejectsMismatchedShapes) {
  const auto x = em_test::random_normal(4, 3, 1);
  const auto y = em_test::random_normal(4, 5, 2);
  em::resources res("cpu");
  EXPECT_THROW((void)em::pairwise_sqeuclidean(res, x.view(), y.view()), em::invalid_argument);
  em::host_matrix small(3, 4);
  EXPECT_THROW(em::pairwise_sqeuclidean(res, x.view(), x.view(), small.mutable_view()),
               em::invalid_argument);
}

TEST(Distance, CpuRejectsDeviceViews) {
  const float v[4] = {0, 0, 0, 0};
  const em::matrix_view dev(v, 2, 2, 0, em::memory_space::device);
  em::resources res("cpu");
  try {
    (void)em::pairwise_sqeuclidean(res, dev, dev);
    FAIL() << "expected invalid_argument";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("device memory"), std::string::npos) << e.what();
  }
}

TEST(Distance, EmptyInputsGiveEmptyOutput) {
  em::resources res("cpu");
  const em::host_matrix x(0, 4);
  const auto y = em_test::random_normal(3, 4, 1);
  const auto d = em::pairwise_sqeuclidean(res, x.view(), y.view());
  EXPECT_EQ(d.rows(), 0);
  EXPECT_EQ(d.cols(), 3);
}
