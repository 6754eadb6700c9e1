// Entropy and spectrum estimators on the CPU against float64 NumPy/SciPy
// values (tests/golden/make_entropy.py), plus the statistical check of the
// kNN estimator on N(0, I_d) samples and the documented edge cases.
#include <cmath>
#include <limits>

#include "common/test_util.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

namespace {
constexpr double kPi = 3.14159265358979323846;
const nlohmann::json& golden() {
  static const nlohmann::json g = em_test::load_golden("entropy.json");
  return g;
}
}  // namespace

TEST(KnnEntropy, MatchesScipyFormula) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["knn_entropy"]) {
    const auto x = em_test::matrix_from_json(c["x"]);
    SCOPED_TRACE(testing::Message() << x.rows() << "x" << x.cols() << " k=" << c["k"]);
    em::knn_entropy_params p;
    p.k = c["k"].get<std::int64_t>();
    const auto r = em::knn_entropy(res, x.view(), p);
    const double want = c["entropy"].get<double>();
    EXPECT_NEAR(r.entropy, want, 2e-4 * std::abs(want));
    EXPECT_EQ(r.zero_distance_rows, c["zero_rows"].get<std::int64_t>());
    EXPECT_EQ(r.n, x.rows());
    EXPECT_EQ(r.d, x.cols());
    EXPECT_TRUE(std::isfinite(r.entropy));
    if (r.zero_distance_rows > 0) {
      EXPECT_GT(r.zero_eps_replacement, 0.0);
    } else {
      EXPECT_EQ(r.zero_eps_replacement, 0.0);
    }
  }
}

TEST(KnnEntropy, BitsAreNatsOverLn2) {
  const auto x = em_test::random_normal(300, 4, em_test::test_seed(51));
  em::resources res("cpu");
  em::knn_entropy_params p;
  const double nats = em::knn_entropy(res, x.view(), p).entropy;
  p.unit = em::entropy_unit::bits;
  const auto r = em::knn_entropy(res, x.view(), p);
  EXPECT_EQ(r.unit, em::entropy_unit::bits);
  EXPECT_NEAR(r.entropy, nats / std::log(2.0), 1e-12 * std::abs(nats));
}

TEST(KnnEntropy, StandardNormalSamplesAreNearTheTrueEntropy) {
  // H(N(0, I_d)) = d/2 log(2 pi e); the estimator's bias grows with d, the
  // allowed error is 0.1 d nats. One thread: no barriers to wait on when the
  // test machine is oversubscribed (the result does not depend on it).
  em::resources res("cpu", 1);
  const auto seed = em_test::test_seed(52);
  for (std::int64_t d : {2, 8, 32}) {
    const auto x = em_test::random_normal(6000, d, seed + static_cast<std::uint64_t>(d));
    const auto r = em::knn_entropy(res, x.view());
    const double truth = 0.5 * static_cast<double>(d) * std::log(2.0 * kPi * std::exp(1.0));
    EXPECT_NEAR(r.entropy, truth, 0.1 * static_cast<double>(d)) << "d = " << d;
    EXPECT_EQ(r.zero_distance_rows, 0);
  }
}

TEST(KnnEntropy, FullyDuplicatedDataIsAnErrorNotMinusInfinity) {
  em::host_matrix x(12, 3);
  for (std::int64_t i = 0; i < 12; ++i)
    for (std::int64_t c = 0; c < 3; ++c) x(i, c) = static_cast<float>(i % 3);  // 3 points, 4 copies each
  em::resources res("cpu");
  EXPECT_THROW((void)em::knn_entropy(res, x.view()), em::invalid_argument);
  em::knn_entropy_params p;
  p.k = 4;  // the 4th neighbour is a distinct point
  const auto r = em::knn_entropy(res, x.view(), p);
  EXPECT_TRUE(std::isfinite(r.entropy));
  EXPECT_EQ(r.zero_distance_rows, 0);
  p.k = 12;
  EXPECT_THROW((void)em::knn_entropy(res, x.view(), p), em::invalid_argument);
}

TEST(HistogramEntropy, MatchesNumpyHistogram) {
  const auto& g = golden()["histogram"];
  const auto x = em_test::matrix_from_json(g["x"]);
  em::resources res("cpu", 2);
  for (const auto& c : g["cases"]) {
    em::histogram_params p;
    p.rule = c["rule"] == "fd" ? em::bin_rule::freedman_diaconis : em::bin_rule::fixed;
    p.miller_madow = c["miller_madow"].get<bool>();
    SCOPED_TRACE(testing::Message() << c["rule"] << " mm=" << p.miller_madow);
    const auto r = em::histogram_entropy(res, x.view(), p);
    double mean = 0.0, mean_diff = 0.0;
    for (std::int64_t j = 0; j < x.cols(); ++j) {
      const auto ju = static_cast<std::size_t>(j);
      EXPECT_EQ(r.bins[ju], c["bins"][ju].get<std::int64_t>());
      EXPECT_NEAR(r.per_dimension[ju], c["per_dimension"][ju].get<double>(), 1e-12);
      EXPECT_NEAR(r.per_dimension_differential[ju],
                  c["per_dimension_differential"][ju].get<double>(), 1e-9);
      mean += c["per_dimension"][ju].get<double>() / static_cast<double>(x.cols());
      mean_diff += c["per_dimension_differential"][ju].get<double>() / static_cast<double>(x.cols());
    }
    EXPECT_NEAR(r.entropy, mean, 1e-12);
    ASSERT_TRUE(r.differential_entropy.has_value());
    EXPECT_NEAR(*r.differential_entropy, mean_diff, 1e-9);
    EXPECT_EQ(r.constant_dimensions, 0);
  }
}

TEST(HistogramEntropy, ConstantDimensionsAndBits) {
  auto x = em_test::random_normal(500, 3, em_test::test_seed(53));
  for (std::int64_t i = 0; i < 500; ++i) x(i, 1) = 2.5f;
  em::resources res("cpu");
  em::histogram_params p;
  p.bins = 8;
  const auto r = em::histogram_entropy(res, x.view(), p);
  EXPECT_EQ(r.constant_dimensions, 1);
  EXPECT_EQ(r.per_dimension[1], 0.0);
  EXPECT_TRUE(std::isnan(r.per_dimension_differential[1]));
  EXPECT_LE(r.per_dimension[0], std::log(8.0));
  ASSERT_TRUE(r.differential_entropy.has_value());
  EXPECT_NEAR(*r.differential_entropy,
              0.5 * (r.per_dimension_differential[0] + r.per_dimension_differential[2]), 1e-12);
  p.unit = em::entropy_unit::bits;
  const auto b = em::histogram_entropy(res, x.view(), p);
  EXPECT_NEAR(b.entropy, r.entropy / std::log(2.0), 1e-12);
  p.bins = 0;
  EXPECT_THROW((void)em::histogram_entropy(res, x.view(), p), em::invalid_argument);
}

TEST(GaussianEntropy, MatchesNumpySlogdet) {
  const auto& g = golden()["gaussian"];
  const auto x = em_test::matrix_from_json(g["x"]);
  em::resources res("cpu", 2);
  const auto r = em::gaussian_entropy(res, x.view());
  const double want = g["entropy"].get<double>();
  EXPECT_NEAR(r.entropy, want, 1e-5 * std::abs(want));
  EXPECT_EQ(r.null_eigenvalues, 0);
  em::gaussian_entropy_params p;
  p.unit = em::entropy_unit::bits;
  EXPECT_NEAR(em::gaussian_entropy(res, x.view(), p).entropy, want / std::log(2.0),
              1e-5 * std::abs(want));
}

// The singular case used to be decided by whether a Cholesky of the
// numerically singular covariance failed, which depends on the BLAS kernel;
// it is now an eigenvalue threshold, and the one exactly null direction is
// counted on every CPU.
TEST(GaussianEntropy, SingularCovarianceGetsAReportedFloor) {
  auto x = em_test::random_normal(200, 4, em_test::test_seed(54));
  for (std::int64_t i = 0; i < 200; ++i) x(i, 3) = x(i, 0);  // rank 3
  em::resources res("cpu");
  const auto r = em::gaussian_entropy(res, x.view());
  EXPECT_EQ(r.null_eigenvalues, 1);
  EXPECT_GT(r.eigenvalue_floor, 0.0);
  EXPECT_TRUE(std::isfinite(r.entropy));
  const auto one_row = em_test::random_normal(1, 4, 1);
  EXPECT_THROW((void)em::gaussian_entropy(res, one_row.view()), em::invalid_argument);
}

TEST(EffectiveRank, MatchesNumpySvd) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["effective_rank"]) {
    const auto x = em_test::matrix_from_json(c["x"]);
    SCOPED_TRACE(testing::Message() << x.rows() << "x" << x.cols());
    const auto r = em::effective_rank(res, x.view());
    const double want = c["effective_rank"].get<double>();
    EXPECT_NEAR(r.effective_rank, want, 1e-4 * want);
    EXPECT_EQ(r.zero_singular_values, c["zero_singular_values"].get<std::int64_t>());
    ASSERT_EQ(r.singular_values.size(), c["singular_values"].size());
    for (std::size_t i = 0; i < r.singular_values.size(); ++i) {
      const double s = c["singular_values"][i].get<double>();
      EXPECT_NEAR(r.singular_values[i], s, 1e-6 * c["singular_values"][0].get<double>());
    }
  }
}

TEST(EffectiveRank, IdentityAndZeroMatrix) {
  // s = (1, 1, 1, 1): p_i = 1/4 + 1e-7, so the rank is 4 up to 1e-6.
  em::host_matrix eye(4, 4);
  for (std::int64_t i = 0; i < 4; ++i) eye(i, i) = 1.0f;
  em::resources res("cpu");
  EXPECT_NEAR(em::effective_rank(res, eye.view()).effective_rank, 4.0, 1e-5);
  const em::host_matrix zero(5, 3);
  EXPECT_THROW((void)em::effective_rank(res, zero.view()), em::invalid_argument);
}
