// The report's covariance spectrum (against NumPy, tests/golden/make_report_spectrum.py)
// and C1's cluster sizes (against the k-means run they come from).
#include <algorithm>
#include <numeric>

#include "common/test_util.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/report.hpp"

namespace em = embed_metrics;

TEST(ReportSpectrum, MatchesNumpyCovarianceEigenvalues) {
  const auto golden = em_test::load_golden("report_spectrum.json");
  em::resources res("cpu", 2);
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto x = em_test::matrix_from_json(c["x"]);
    em::report_params p;
    p.k = 2;
    p.entropy = false;
    p.covariance_spectrum = true;
    const auto r = em::evaluate(res, x.view(), {}, p);
    const auto want = c["spectrum"].get<std::vector<double>>();
    ASSERT_EQ(r.covariance_spectrum.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(r.covariance_spectrum[i], want[i], 1e-9 * want[0]) << "eigenvalue " << i;
    EXPECT_TRUE(std::is_sorted(r.covariance_spectrum.rbegin(), r.covariance_spectrum.rend()));
  }
}

TEST(ReportSpectrum, OnlyWhenAsked) {
  const auto b = em_test::make_blobs(120, 6, 3, 4.0, em_test::test_seed(5));
  em::resources res("cpu", 2);
  em::report_params p;
  p.k = 3;
  EXPECT_TRUE(em::evaluate(res, b.x.view(), {}, p).covariance_spectrum.empty());
}

TEST(ReportClusterSizes, AreTheCountsOfC1) {
  const auto b = em_test::make_blobs(300, 5, 4, 3.0, em_test::test_seed(6));
  em::resources res("cpu", 2);
  em::report_params p;
  p.k = 4;
  p.seed = 9;
  p.entropy = false;
  const auto r = em::evaluate(res, b.x.view(), {}, p);
  // C1 is the first run of the batch with seeds (seed, seed + 1).
  em::kmeans_params kp;
  kp.k = 4;
  const auto runs = em::kmeans_batch(res, b.x.view(), kp, {9, 10});
  std::vector<std::int64_t> want(4, 0);
  for (const auto l : runs[0].labels) ++want[static_cast<std::size_t>(l)];
  EXPECT_EQ(r.cluster_sizes, want);
  EXPECT_EQ(std::accumulate(r.cluster_sizes.begin(), r.cluster_sizes.end(), std::int64_t{0}), 300);
  p.clustering = false;
  EXPECT_TRUE(em::evaluate(res, b.x.view(), {}, p).cluster_sizes.empty());
}
