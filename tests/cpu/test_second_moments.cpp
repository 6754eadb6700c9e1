// The report's covariance metrics come from one shared second-moment pass
// (metrics/second_moments.hpp); the public functions each make their own.
// Both must give the same values: the Gaussian entropy, RankMe, the sorted
// spectrum, alpha-ReQ and NESum, for n >= d and n < d, near and far from the
// origin, and of rank-deficient data.
#include <algorithm>
#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/report_metrics.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "metrics/entropy_common.hpp"
#include "metrics/second_moments.hpp"
#include "metrics/spectrum_common.hpp"

namespace em = embed_metrics;

namespace {

em::host_matrix shifted(em::host_matrix x, float offset) {
  for (std::int64_t i = 0; i < x.rows() * x.cols(); ++i) x.data()[i] += offset;
  return x;
}

// x with its columns from only @p rank independent ones (the rest are sums).
em::host_matrix low_rank(std::int64_t n, std::int64_t d, std::int64_t rank, std::uint64_t seed) {
  const em::host_matrix base = em_test::random_normal(n, rank, seed);
  em::host_matrix x(n, d);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j)
      x.data()[i * d + j] = base.data()[i * rank + j % rank] + (j >= rank ? base.data()[i * rank] : 0.0f);
  return x;
}

void expect_close(double got, double want, double rel, const char* what) {
  EXPECT_NEAR(got, want, rel * std::max(1.0, std::abs(want))) << what;
}

// The shared path against the three public functions on @p x.
void expect_shared_equals_separate(const em::matrix_view x, int want_passes) {
  em::resources res("cpu", 2);
  em::detail::second_moments m(res, x);
  EXPECT_EQ(m.passes(), want_passes);

  const auto g_sep = em::gaussian_entropy(res, x);
  const auto g_sh = em::detail::gaussian_entropy_from_eigenvalues(m.covariance_eigenvalues(), {});
  expect_close(g_sh.entropy, g_sep.entropy, 1e-9, "gaussian entropy");
  EXPECT_EQ(g_sh.null_eigenvalues, g_sep.null_eigenvalues);

  const auto r_sep = em::effective_rank(res, x);
  const auto r_sh = em::detail::effective_rank_from_gram_eigenvalues(
      m.gram_eigenvalues(), em::effective_rank_params{}.rel_tol);
  expect_close(r_sh.effective_rank, r_sep.effective_rank, 1e-9, "effective rank");
  EXPECT_EQ(r_sh.zero_singular_values, r_sep.zero_singular_values);
  ASSERT_EQ(r_sh.singular_values.size(), r_sep.singular_values.size());
  for (std::size_t i = 0; i < r_sep.singular_values.size(); ++i)
    EXPECT_NEAR(r_sh.singular_values[i], r_sep.singular_values[i], 1e-9 * r_sep.singular_values[0])
        << "singular value " << i;

  const auto s_sep = em::spectrum_metrics(res, x);
  const auto s_sh =
      em::detail::spectrum_metrics_from_eigenvalues(m.covariance_eigenvalues(), x.rows, x.cols, {});
  ASSERT_EQ(s_sh.spectrum.size(), s_sep.spectrum.size());
  for (std::size_t i = 0; i < s_sep.spectrum.size(); ++i)
    EXPECT_NEAR(s_sh.spectrum[i], s_sep.spectrum[i], 1e-9 * s_sep.spectrum[0]) << "eigenvalue " << i;
  EXPECT_EQ(s_sh.alpha_req_undefined, s_sep.alpha_req_undefined);
  if (s_sep.alpha_req_undefined.empty()) expect_close(s_sh.alpha_req, s_sep.alpha_req, 1e-8, "alpha-ReQ");
  EXPECT_EQ(s_sh.alpha_req_last, s_sep.alpha_req_last);
  expect_close(s_sh.nesum, s_sep.nesum, 1e-9, "NESum");
}

}  // namespace

TEST(SecondMoments, TallMatrixOnePassGivesThePublicValues) {
  const auto x = em_test::random_normal(400, 24, em_test::test_seed(31));
  expect_shared_equals_separate(x.view(), 1);
}

TEST(SecondMoments, TallMatrixFarFromTheOriginKeepsItsDigits) {
  // The covariance from the rows shifted by row 0, X^T X rebuilt from it.
  const auto x = shifted(em_test::random_normal(300, 16, em_test::test_seed(32)), 3000.0f);
  expect_shared_equals_separate(x.view(), 1);
}

TEST(SecondMoments, WideMatrixUsesTheRowGramInOnePass) {
  const auto x = shifted(em_test::random_normal(40, 120, em_test::test_seed(33)), 0.5f);
  expect_shared_equals_separate(x.view(), 1);
}

TEST(SecondMoments, WideMatrixFarFromTheOriginCentresFromTheRows) {
  // Centring X X^T on the host would cancel about 6 digits here, so the
  // centred Gram matrix is computed from the rows: a second pass.
  const auto x = shifted(em_test::random_normal(30, 90, em_test::test_seed(34)), 1000.0f);
  expect_shared_equals_separate(x.view(), 2);
}

TEST(SecondMoments, RankDeficientDataHaveTheSameNullEigenvalues) {
  expect_shared_equals_separate(low_rank(200, 20, 5, em_test::test_seed(35)).view(), 1);
  expect_shared_equals_separate(low_rank(25, 60, 4, em_test::test_seed(36)).view(), 1);
}

TEST(SecondMoments, OneColumnHasNoPowerLawInEitherPath) {
  expect_shared_equals_separate(em_test::random_normal(50, 1, em_test::test_seed(37)).view(), 1);
}

TEST(SecondMoments, TheReportGivesThePublicFunctionsValues) {
  for (const auto& [n, d] : {std::pair<std::int64_t, std::int64_t>{300, 20}, {40, 70}}) {
    SCOPED_TRACE(n);
    const auto b = em_test::make_blobs(n, d, 3, 3.0, em_test::test_seed(38));
    em::resources res("cpu", 2);
    em::report_params p;
    p.k = 3;
    p.clustering = false;
    p.covariance_spectrum = true;
    const auto r = em::evaluate(res, b.x.view(), {}, p);
    const auto x = b.x.view();
    expect_close(r.gaussian_entropy.value(), em::gaussian_entropy(res, x).entropy, 1e-9, "gaussian");
    expect_close(r.effective_rank.value(), em::effective_rank(res, x).effective_rank, 1e-9, "rank");
    const auto s = em::spectrum_metrics(res, x);
    expect_close(em::metric_value(r, "alpha_req").value(), s.alpha_req, 1e-8, "alpha-ReQ");
    expect_close(em::metric_value(r, "nesum").value(), s.nesum, 1e-9, "NESum");
    ASSERT_EQ(r.covariance_spectrum.size(), s.spectrum.size());
    for (std::size_t i = 0; i < s.spectrum.size(); ++i)
      EXPECT_NEAR(r.covariance_spectrum[i], s.spectrum[i], 1e-9 * s.spectrum[0]);
  }
}

TEST(SecondMoments, DoNotDependOnTheThreadCount) {
  // d spans several strips of the CPU Gram matrix, n several row blocks.
  const auto x = shifted(em_test::random_normal(4500, 150, em_test::test_seed(39)), 2.0f);
  em::resources one("cpu", 1);
  em::resources two("cpu", 2);
  em::detail::second_moments a(one, x.view());
  em::detail::second_moments b(two, x.view());
  EXPECT_EQ(a.covariance_eigenvalues(), b.covariance_eigenvalues());
  EXPECT_EQ(a.gram_eigenvalues(), b.gram_eigenvalues());
  EXPECT_EQ(em::effective_rank(one, x.view()).effective_rank,
            em::effective_rank(two, x.view()).effective_rank);
  // n < d: the n x n Gram matrix, n spanning several strips.
  const auto w = shifted(em_test::random_normal(150, 400, em_test::test_seed(40)), 2.0f);
  em::detail::second_moments c(one, w.view());
  em::detail::second_moments e(two, w.view());
  EXPECT_EQ(c.covariance_eigenvalues(), e.covariance_eigenvalues());
  EXPECT_EQ(c.gram_eigenvalues(), e.gram_eigenvalues());
}
