// Robust spectrum metrics and entropy tool: singular and near-singular
// covariances decided by the stated eigenvalue threshold (the same answer on
// every CPU and BLAS kernel), short wide inputs through the n x n Gram matrix,
// and `entropy --estimator all` when some estimators cannot be computed.
// Expected values: tests/golden/make_entropy.py (float64 NumPy).
#include <chrono>
#include <cmath>
#include <string>

#include "common/test_util.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/report.hpp"

namespace em = embed_metrics;

namespace {

const nlohmann::json& golden_case(const std::string& group, const std::string& name) {
  static const nlohmann::json g = em_test::load_golden("entropy.json");
  for (const auto& c : g[group])
    if (c["name"] == name) return c;
  ADD_FAILURE() << "no golden case " << group << "/" << name;
  static const nlohmann::json none;
  return none;
}

// The null count must be exact; entropy and log det agree with the float64
// reference to the covariance's double rounding (1e-9 relative, far below
// what the 1e-10 floor could change if a decision went the other way: at
// least 0.5 log 100 nats per eigenvalue).
void expect_gaussian_golden(const std::string& name, std::int64_t want_null) {
  const auto& c = golden_case("gaussian_singular", name);
  const auto x = em_test::matrix_from_json(c["x"]);
  em::resources res("cpu", 2);
  const auto r = em::gaussian_entropy(res, x.view());
  EXPECT_EQ(c["null_eigenvalues"].get<std::int64_t>(), want_null) << "golden file out of date";
  EXPECT_EQ(r.null_eigenvalues, c["null_eigenvalues"].get<std::int64_t>());
  const double h = c["entropy"].get<double>();
  EXPECT_NEAR(r.entropy, h, 1e-9 * (std::abs(h) + static_cast<double>(x.cols())));
  const double ld = c["log_det"].get<double>();
  EXPECT_NEAR(r.log_det, ld, 1e-9 * (std::abs(ld) + static_cast<double>(x.cols())));
  EXPECT_NEAR(r.eigenvalue_floor, c["floor"].get<double>(), 1e-9 * c["floor"].get<double>());
}

std::string save(const em::host_matrix& x, const std::string& name) {
  const auto path = (em_test::temp_dir("robust_entropy") / name).string();
  em::save_npy(path, x.view());
  return path;
}

}  // namespace

TEST(RobustGaussianEntropy, DuplicateColumnIsOneNullDirection) {
  expect_gaussian_golden("duplicate_column", 1);
}

TEST(RobustGaussianEntropy, NearSingularDirectionAboveTheFloorIsKept) {
  // Its eigenvalue is ~5e-8 of the largest: exact log det, nothing raised.
  expect_gaussian_golden("near_singular_kept", 0);
}

TEST(RobustGaussianEntropy, NearSingularDirectionBelowTheFloorIsRaised) {
  // ~6e-14 of the largest (float32 rounding of a duplicated column + 1e-6 noise).
  expect_gaussian_golden("near_singular_floored", 1);
}

TEST(RobustGaussianEntropy, ConstantColumnIsOneNullDirection) {
  expect_gaussian_golden("constant_column", 1);
}

TEST(RobustGaussianEntropy, RankTwoDataInEightDimensions) {
  expect_gaussian_golden("rank_two_in_eight", 6);
}

TEST(RobustGaussianEntropy, SquareSampleHasTheCentringNullDirection) {
  // n = d = 20: rank n - 1, through the d x d covariance.
  expect_gaussian_golden("n_equals_d", 1);
}

TEST(RobustGaussianEntropy, WideSampleUsesTheRowGramAndHasDMinusNPlusOneNulls) {
  // n = 30, d = 120: the n x n Gram path; 120 - 30 + 1 = 91 null eigenvalues.
  expect_gaussian_golden("wide_30x120", 91);
}

TEST(RobustGaussianEntropy, TwoRowsInFiftyDimensions) {
  expect_gaussian_golden("wide_2x50", 49);
}

TEST(RobustGaussianEntropy, AllConstantColumnsAndBadRelTolAreErrors) {
  em::host_matrix x(10, 4);
  for (std::int64_t i = 0; i < 10; ++i)
    for (std::int64_t j = 0; j < 4; ++j) x(i, j) = 1.5f * static_cast<float>(j);
  em::resources res("cpu");
  try {
    (void)em::gaussian_entropy(res, x.view());
    ADD_FAILURE() << "no error for constant columns";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("constant"), std::string::npos) << e.what();
  }
  const auto y = em_test::random_normal(20, 3, em_test::test_seed(131));
  em::gaussian_entropy_params p;
  p.rel_tol = 0.0;
  EXPECT_THROW((void)em::gaussian_entropy(res, y.view(), p), em::invalid_argument);
  p.rel_tol = 1.0;
  EXPECT_THROW((void)em::gaussian_entropy(res, y.view(), p), em::invalid_argument);
}

TEST(RobustGaussianEntropy, RelTolDecidesWhichEigenvaluesAreRaised) {
  // The near-singular eigenvalue (~5e-8 of the largest) is kept at the default
  // 1e-10 and raised at 1e-6: exactly one more null direction, and a larger
  // log det (the floor, 1e-6 lambda_max, exceeds the eigenvalue it replaces).
  const auto& c = golden_case("gaussian_singular", "near_singular_kept");
  const auto x = em_test::matrix_from_json(c["x"]);
  em::resources res("cpu");
  const auto kept = em::gaussian_entropy(res, x.view());
  em::gaussian_entropy_params p;
  p.rel_tol = 1e-6;
  const auto raised = em::gaussian_entropy(res, x.view(), p);
  EXPECT_EQ(kept.null_eigenvalues, 0);
  EXPECT_EQ(raised.null_eigenvalues, 1);
  EXPECT_GT(raised.log_det, kept.log_det);
  EXPECT_NEAR(raised.eigenvalue_floor, 1e4 * kept.eigenvalue_floor, 1e-9 * raised.eigenvalue_floor);
}

TEST(RobustEffectiveRank, WideMatrixMatchesNumpySvd) {
  const auto& c = golden_case("effective_rank_singular", "wide_12x200");
  const auto x = em_test::matrix_from_json(c["x"]);
  em::resources res("cpu", 2);
  const auto r = em::effective_rank(res, x.view());
  const double want = c["effective_rank"].get<double>();
  EXPECT_NEAR(r.effective_rank, want, 1e-9 * want);
  ASSERT_EQ(r.singular_values.size(), c["singular_values"].size());
  const double s0 = c["singular_values"][0].get<double>();
  for (std::size_t i = 0; i < r.singular_values.size(); ++i)
    EXPECT_NEAR(r.singular_values[i], c["singular_values"][i].get<double>(), 1e-9 * s0) << i;
  EXPECT_EQ(r.zero_singular_values, 0);
}

TEST(RobustEffectiveRank, DuplicateColumnHasOneZeroSingularValue) {
  const auto& c = golden_case("effective_rank_singular", "duplicate_column");
  const auto x = em_test::matrix_from_json(c["x"]);
  em::resources res("cpu", 2);
  const auto r = em::effective_rank(res, x.view());
  EXPECT_EQ(r.zero_singular_values, c["zero_singular_values"].get<std::int64_t>());
  EXPECT_EQ(r.zero_singular_values, 1);
  EXPECT_EQ(r.singular_values.back(), 0.0);  // set to 0 by the rule, not rounding noise
  const double want = c["effective_rank"].get<double>();
  EXPECT_NEAR(r.effective_rank, want, 1e-9 * want);
}

TEST(RobustEffectiveRank, ShortWideFileIsFastAndAgreesWithItsTranspose) {
  // n = 50, d = 20000: X X^T is 50 x 50. The transpose (20000 x 50) goes
  // through the d x d path; both have the same singular values.
  const std::int64_t n = 50, d = 20000;
  const auto x = em_test::random_normal(n, d, em_test::test_seed(132));
  em::host_matrix xt(d, n);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j) xt(j, i) = x(i, j);
  em::resources res("cpu", 2);
  const auto t0 = std::chrono::steady_clock::now();
  const auto wide = em::effective_rank(res, x.view());
  const auto g = em::gaussian_entropy(res, x.view());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RecordProperty("wide_seconds", std::to_string(seconds));
  // The d x d path would need a 3.2 GB matrix and an O(d^3) eigensolver.
  EXPECT_LT(seconds, 20.0);
  EXPECT_EQ(g.null_eigenvalues, d - n + 1);
  EXPECT_TRUE(std::isfinite(g.entropy));
  const auto tall = em::effective_rank(res, xt.view());
  EXPECT_NEAR(wide.effective_rank, tall.effective_rank, 1e-10 * tall.effective_rank);
  ASSERT_EQ(wide.singular_values.size(), tall.singular_values.size());
  for (std::size_t i = 0; i < wide.singular_values.size(); ++i)
    EXPECT_NEAR(wide.singular_values[i], tall.singular_values[i], 1e-10 * tall.singular_values[0]);
}

TEST(RobustReport, ShortWideEmbeddingsGetEntropyAndRank) {
  const std::int64_t n = 50, d = 20000;
  const auto x = em_test::random_normal(n, d, em_test::test_seed(133));
  em::resources res("cpu", 2);
  em::report_params p;
  p.k = 2;
  p.clustering = false;
  const auto r = em::evaluate(res, x.view(), {}, p);
  ASSERT_TRUE(r.gaussian_entropy.has_value());
  ASSERT_TRUE(r.effective_rank.has_value());
  EXPECT_EQ(*r.gaussian_entropy, em::gaussian_entropy(res, x.view()).entropy);
  EXPECT_EQ(*r.effective_rank, em::effective_rank(res, x.view()).effective_rank);
}

TEST(RobustEntropyCli, AllReportsEachFailureAndKeepsExitZero) {
  const em::host_matrix zero(10, 3);
  const auto file = save(zero, "zero.npy");
  const auto r = em_test::run_tool("entropy '" + file + "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["histogram_entropy"].get<double>(), 0.0);  // one bin per dimension
  EXPECT_FALSE(j.contains("histogram_entropy_error"));
  EXPECT_TRUE(j["knn_entropy"].is_null());
  EXPECT_NE(j["knn_entropy_error"].get<std::string>().find("duplicates"), std::string::npos);
  EXPECT_TRUE(j["gaussian_entropy"].is_null());
  EXPECT_NE(j["gaussian_entropy_error"].get<std::string>().find("constant"), std::string::npos);
  EXPECT_TRUE(j["effective_rank"].is_null());
  EXPECT_NE(j["effective_rank_error"].get<std::string>().find("zeros"), std::string::npos);
  EXPECT_NE(r.err.find("not computed"), std::string::npos) << r.err;
}

TEST(RobustEntropyCli, TableSaysWhyAnEstimatorFailed) {
  const auto x = em_test::random_normal(5, 3, em_test::test_seed(134));
  const auto file = save(x, "five.npy");
  const auto r = em_test::run_tool("entropy '" + file + "' --device cpu --k 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("knn_entropy_error"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("k = 5 needs 1 <= k <= n - 1"), std::string::npos) << r.out;
  // The others are computed, with the library's values.
  const auto j = em_test::run_tool("entropy '" + file + "' --device cpu --k 5 --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto v = nlohmann::json::parse(j.out);
  em::resources res("cpu");
  EXPECT_NEAR(v["gaussian_entropy"].get<double>(), em::gaussian_entropy(res, x.view()).entropy, 1e-12);
  EXPECT_NEAR(v["effective_rank"].get<double>(), em::effective_rank(res, x.view()).effective_rank,
              1e-12);
}

TEST(RobustEntropyCli, SingleFailingEstimatorIsExitOne) {
  const em::host_matrix zero(10, 3);
  const auto file = save(zero, "zero1.npy");
  const auto r = em_test::run_tool("entropy '" + file + "' --device cpu --estimator gaussian");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("constant"), std::string::npos) << r.err;
}

TEST(RobustEntropyCli, SingularCovarianceNoteAndHelp) {
  auto x = em_test::random_normal(40, 4, em_test::test_seed(135));
  for (std::int64_t i = 0; i < 40; ++i) x(i, 3) = x(i, 1);
  const auto file = save(x, "dup.npy");
  const auto r = em_test::run_tool("entropy '" + file + "' --device cpu --estimator gaussian");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 of its 4 eigenvalues"), std::string::npos) << r.err;
  const auto h = em_test::run_tool("entropy --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("at least one estimator succeeded"), std::string::npos) << h.out;
}
