// The label-free metrics beyond the study (Davies-Bouldin, Calinski-Harabasz,
// uniformity, alignment, covariance spectrum, alpha-ReQ, NESum, LiDAR,
// collapse std) on the CPU against scikit-learn and float64 NumPy/SciPy
// (tests/golden/make_label_free.py), and their undefined cases.
#include <cmath>
#include <limits>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"

namespace em = embed_metrics;

namespace {

const nlohmann::json& golden() {
  static const nlohmann::json g = em_test::load_golden("label_free.json");
  return g;
}

std::vector<std::int64_t> ids(const nlohmann::json& j) { return j.get<std::vector<std::int64_t>>(); }

void expect_rel(double got, double want, double tol) {
  EXPECT_NEAR(got, want, tol * std::max(1.0, std::abs(want)));
}

}  // namespace

TEST(ClusterScores, MatchScikitLearn) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["cluster_scores"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    const auto labels = ids(c["labels"]);
    const auto db = em::davies_bouldin(res, x.view(), labels);
    const auto ch = em::calinski_harabasz(res, x.view(), labels);
    expect_rel(db.score, c["davies_bouldin"].get<double>(), 1e-6);
    EXPECT_NEAR(ch.score, c["calinski_harabasz"].get<double>(), 1e-6 * c["calinski_harabasz"].get<double>());
    EXPECT_EQ(db.n, x.rows());
    EXPECT_GE(db.clusters, 2);
  }
}

TEST(ClusterScores, OneClusterOrAllSingletonsAreUndefined) {
  em::resources res("cpu", 1);
  for (const auto& c : golden()["cluster_undefined"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    const auto labels = ids(c["labels"]);
    EXPECT_THROW((void)em::davies_bouldin(res, x.view(), labels), em::metric_undefined);
    EXPECT_THROW((void)em::calinski_harabasz(res, x.view(), labels), em::metric_undefined);
  }
}

TEST(ClusterScores, CoincidentCentroidsOrZeroDispersionAreUndefined) {
  em::resources res("cpu", 1);
  // Two clusters with the same centroid (0, 0): DB divides by 0.
  const em::host_matrix x(std::vector<float>{-1, 0, 1, 0, 0, -1, 0, 1, 5, 5}, 5, 2);
  const std::vector<std::int64_t> l{0, 0, 1, 1, 2};
  EXPECT_THROW((void)em::davies_bouldin(res, x.view(), l), em::metric_undefined);
  // Every point on its centroid: CH's within-dispersion is 0.
  const em::host_matrix y(std::vector<float>{1, 1, 1, 1, 3, 3, 3, 3}, 4, 2);
  const std::vector<std::int64_t> m{0, 0, 1, 1};
  EXPECT_THROW((void)em::calinski_harabasz(res, y.view(), m), em::metric_undefined);
  EXPECT_DOUBLE_EQ(em::davies_bouldin(res, y.view(), m).score, 0.0);
}

TEST(ClusterScores, WrongShapesAreInvalidNotUndefined) {
  em::resources res("cpu", 1);
  const auto x = em_test::random_normal(10, 3, 1);
  const std::vector<std::int64_t> l(9, 0);
  try {
    (void)em::davies_bouldin(res, x.view(), l);
    FAIL() << "no throw";
  } catch (const em::metric_undefined&) {
    FAIL() << "a shape mismatch is not an undefined metric";
  } catch (const em::invalid_argument&) {
  }
}

TEST(Uniformity, MatchesPdistOverAllPairs) {
  for (const int threads : {1, 2}) {
    em::resources res("cpu", threads);
    for (const auto& c : golden()["uniformity"]) {
      SCOPED_TRACE(c["name"].get<std::string>());
      const auto x = em_test::matrix_from_json(c["x"]);
      em::uniformity_params p;
      p.t = c["t"].get<double>();
      const auto r = em::uniformity(res, x.view(), p);
      // log of a mean of exponentials: 1e-5 relative in the mean.
      EXPECT_NEAR(r.uniformity, c["uniformity"].get<double>(), 1e-5);
      EXPECT_EQ(r.pairs, x.rows() * (x.rows() - 1) / 2);
    }
  }
}

TEST(Uniformity, SameBitsForAnyThreadCount) {
  const auto x = em_test::random_normal(900, 20, em_test::test_seed(181));
  const double one = em::uniformity(em::resources("cpu", 1), x.view()).uniformity;
  const double two = em::uniformity(em::resources("cpu", 2), x.view()).uniformity;
  const double three = em::uniformity(em::resources("cpu", 3), x.view()).uniformity;
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
}

TEST(Uniformity, LargeTemperatureTakesTheExactExponential) {
  // t > 20 leaves the fast exponential's range; the double one must agree
  // with a direct sum.
  const auto x = em_test::random_normal(60, 3, em_test::test_seed(182));
  em::uniformity_params p;
  p.t = 30.0;
  double want = 0.0;
  std::vector<double> z(static_cast<std::size_t>(60 * 3));
  for (int i = 0; i < 60; ++i) {
    double s = 0;
    for (int j = 0; j < 3; ++j) s += double(x(i, j)) * x(i, j);
    for (int j = 0; j < 3; ++j) z[static_cast<std::size_t>(i * 3 + j)] = x(i, j) / std::sqrt(s);
  }
  for (int i = 0; i < 60; ++i)
    for (int k = i + 1; k < 60; ++k) {
      double d2 = 0;
      for (int j = 0; j < 3; ++j) {
        const double diff = z[static_cast<std::size_t>(i * 3 + j)] - z[static_cast<std::size_t>(k * 3 + j)];
        d2 += diff * diff;
      }
      want += std::exp(-p.t * d2);
    }
  want = std::log(want / (60.0 * 59.0 / 2.0));
  EXPECT_NEAR(em::uniformity(em::resources("cpu", 2), x.view(), p).uniformity, want, 1e-4);
}

TEST(Uniformity, RejectsZeroRowsAndBadArguments) {
  em::resources res("cpu", 1);
  em::host_matrix x(4, 3);
  x(0, 0) = 1;
  x(1, 1) = 1;
  x(3, 2) = 1;
  EXPECT_THROW((void)em::uniformity(res, x.view()), em::invalid_argument);
  const auto y = em_test::random_normal(1, 3, 2);
  EXPECT_THROW((void)em::uniformity(res, y.view()), em::invalid_argument);
  em::uniformity_params p;
  p.t = 0.0;
  const auto z = em_test::random_normal(5, 3, 2);
  EXPECT_THROW((void)em::uniformity(res, z.view(), p), em::invalid_argument);
}

TEST(Alignment, MatchesNumpy) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["alignment"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto a = em_test::matrix_from_json(c["a"]);
    const auto b = em_test::matrix_from_json(c["b"]);
    em::alignment_params p;
    p.alpha = c["alpha"].get<double>();
    const auto r = em::alignment(res, a.view(), b.view(), p);
    expect_rel(r.alignment, c["alignment"].get<double>(), 1e-6);
    if (c["name"] == "identical") {
      EXPECT_EQ(r.alignment, 0.0);
    }
  }
}

TEST(Alignment, ShapesMustMatch) {
  em::resources res("cpu", 1);
  const auto a = em_test::random_normal(5, 3, 3);
  const auto b = em_test::random_normal(6, 3, 4);
  EXPECT_THROW((void)em::alignment(res, a.view(), b.view()), em::invalid_argument);
}

TEST(SpectrumMetrics, MatchNumpyFromOneCovariance) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["spectrum"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    const auto r = em::spectrum_metrics(res, x.view());
    const auto want = c["spectrum"].get<std::vector<double>>();
    ASSERT_EQ(r.spectrum.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)  // relative to the largest eigenvalue
      EXPECT_NEAR(r.spectrum[i], want[i], 1e-6 * want.front()) << "eigenvalue " << i;
    if (c["alpha_req"].is_null()) {
      EXPECT_TRUE(std::isnan(r.alpha_req));
      EXPECT_FALSE(r.alpha_req_undefined.empty());
      EXPECT_THROW((void)em::alpha_req(res, x.view()), em::metric_undefined);
    } else {
      expect_rel(r.alpha_req, c["alpha_req"].get<double>(), 1e-6);
      EXPECT_TRUE(r.alpha_req_undefined.empty());
      EXPECT_EQ(em::alpha_req(res, x.view()), r.alpha_req);
    }
    expect_rel(r.nesum, c["nesum"].get<double>(), 1e-6);
    EXPECT_EQ(em::nesum(res, x.view()), r.nesum);
  }
}

TEST(SpectrumMetrics, AllRowsEqualLeaveNesumUndefined) {
  em::resources res("cpu", 1);
  const em::host_matrix x(std::vector<float>(5 * 3, 2.5f), 5, 3);
  const auto r = em::spectrum_metrics(res, x.view());
  EXPECT_TRUE(std::isnan(r.nesum));
  EXPECT_FALSE(r.nesum_undefined.empty());
  EXPECT_THROW((void)em::nesum(res, x.view()), em::metric_undefined);
}

TEST(SpectrumMetrics, FitRangeIsHonoured) {
  em::resources res("cpu", 1);
  for (const auto& c : golden()["spectrum"]) {
    if (c["name"] != "power_law") continue;
    const auto x = em_test::matrix_from_json(c["x"]);
    em::spectrum_metrics_params p;
    p.fit_first = 3;
    p.fit_last = 10;
    const auto r = em::spectrum_metrics(res, x.view(), p);
    // Least squares over indices 3 .. 10 from the golden spectrum.
    const auto lam = c["spectrum"].get<std::vector<double>>();
    double mx = 0, my = 0;
    for (int i = 3; i <= 10; ++i) mx += std::log(i), my += std::log(lam[static_cast<std::size_t>(i - 1)]);
    mx /= 8, my /= 8;
    double sxx = 0, sxy = 0;
    for (int i = 3; i <= 10; ++i) {
      sxx += (std::log(i) - mx) * (std::log(i) - mx);
      sxy += (std::log(i) - mx) * (std::log(lam[static_cast<std::size_t>(i - 1)]) - my);
    }
    expect_rel(r.alpha_req, -sxy / sxx, 1e-6);
    EXPECT_EQ(r.alpha_req_first, 3);
    EXPECT_EQ(r.alpha_req_last, 10);
  }
}

TEST(Lidar, MatchesTheGeneralisedEigenproblem) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["lidar"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    em::lidar_params p;
    p.delta = c["delta"].get<double>();
    p.eps = c["eps"].get<double>();
    const auto r = em::lidar(res, x.view(), ids(c["groups"]), p);
    expect_rel(r.lidar, c["lidar"].get<double>(), 1e-6);
    const auto want = c["eigenvalues"].get<std::vector<double>>();
    ASSERT_EQ(r.eigenvalues.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(r.eigenvalues[i], want[i], 1e-6 * want.front());
  }
}

TEST(Lidar, OneGroupOrSingletonsAreUndefined) {
  em::resources res("cpu", 1);
  for (const auto& c : golden()["lidar_undefined"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    EXPECT_THROW((void)em::lidar(res, x.view(), ids(c["groups"])), em::metric_undefined);
  }
}

TEST(CollapseStd, MatchesNumpy) {
  em::resources res("cpu", 2);
  for (const auto& c : golden()["collapse_std"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    const auto r = em::collapse_std(res, x.view());
    expect_rel(r.collapse_std, c["collapse_std"].get<double>(), 1e-6);
    EXPECT_DOUBLE_EQ(r.healthy, 1.0 / std::sqrt(static_cast<double>(x.cols())));
  }
}
