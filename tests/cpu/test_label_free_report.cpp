// The label-free metrics of issue 18 in the report: evaluate() gives the
// values of the public functions, alignment and LiDAR when their inputs
// are there (--views, --groups in the tool), and a metric undefined at a
// checkpoint is null with its reason while the others are still computed.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/report_metrics.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"

namespace em = embed_metrics;

namespace {

struct views_data {
  em::host_matrix a, b;
  std::vector<std::int64_t> groups;
};

// 60 images, 4 noisy views each: view a is rows 0..239, b the same images
// with other noise.
views_data make_views(std::uint64_t seed) {
  const auto images = em_test::random_normal(60, 12, seed);
  const auto na = em_test::random_normal(240, 12, seed + 1);
  const auto nb = em_test::random_normal(240, 12, seed + 2);
  views_data v{em::host_matrix(240, 12), em::host_matrix(240, 12), std::vector<std::int64_t>(240)};
  for (std::int64_t i = 0; i < 240; ++i) {
    v.groups[static_cast<std::size_t>(i)] = 1000 + i / 4;
    for (std::int64_t j = 0; j < 12; ++j) {
      v.a(i, j) = 3.0f * images(i / 4, j) + 0.5f * na(i, j);
      v.b(i, j) = 3.0f * images(i / 4, j) + 0.5f * nb(i, j);
    }
  }
  return v;
}

double value(const em::report_result& r, const char* key) {
  const auto v = em::metric_value(r, key);
  EXPECT_TRUE(v.has_value()) << key;
  return v.value_or(std::nan(""));
}

}  // namespace

TEST(LabelFreeReport, EvaluateGivesThePublicFunctionsValues) {
  const auto v = make_views(em_test::test_seed(201));
  em::resources res("cpu", 2);
  em::report_params p;
  p.k = 5;
  p.views = v.b.view();
  p.groups = v.groups;
  const auto r = em::evaluate(res, v.a.view(), {}, p);
  EXPECT_DOUBLE_EQ(value(r, "uniformity"), em::uniformity(res, v.a.view()).uniformity);
  EXPECT_DOUBLE_EQ(value(r, "alignment"), em::alignment(res, v.a.view(), v.b.view()).alignment);
  EXPECT_DOUBLE_EQ(value(r, "lidar"), em::lidar(res, v.a.view(), v.groups).lidar);
  EXPECT_DOUBLE_EQ(value(r, "collapse_sd"), em::collapse_std(res, v.a.view()).collapse_std);
  const auto s = em::spectrum_metrics(res, v.a.view());
  EXPECT_DOUBLE_EQ(value(r, "alpha_req"), s.alpha_req);
  EXPECT_DOUBLE_EQ(value(r, "nesum"), s.nesum);
  // Davies-Bouldin and Calinski-Harabasz of C1 (k-means with the report's seed).
  em::kmeans_params kp;
  kp.k = 5;
  kp.max_iter = p.kmeans_max_iter;
  const auto c1 = em::kmeans_batch(res, v.a.view(), kp, {p.seed, p.seed + 1}).front().labels;
  EXPECT_DOUBLE_EQ(value(r, "davies_bouldin"), em::davies_bouldin(res, v.a.view(), c1).score);
  EXPECT_DOUBLE_EQ(value(r, "calinski_harabasz"), em::calinski_harabasz(res, v.a.view(), c1).score);
  EXPECT_TRUE(r.undefined_reasons.empty());
}

TEST(LabelFreeReport, UndefinedMetricsAreNullWithAReasonAndTheRestGoesOn) {
  const auto v = make_views(em_test::test_seed(202));
  em::resources res("cpu", 1);
  em::report_params p;
  p.k = 4;
  const std::vector<std::int64_t> one_group(240, 7);
  p.groups = one_group;  // one source image: LiDAR does not exist
  const auto r = em::evaluate(res, v.a.view(), {}, p);
  EXPECT_FALSE(em::metric_value(r, "lidar").has_value());
  ASSERT_TRUE(r.undefined_reasons.count("lidar"));
  EXPECT_NE(r.undefined_reasons.at("lidar").find("at least 2"), std::string::npos);
  // No second view: alignment is null and says what to give.
  EXPECT_FALSE(em::metric_value(r, "alignment").has_value());
  EXPECT_NE(r.undefined_reasons.at("alignment").find("--views"), std::string::npos);
  EXPECT_TRUE(em::metric_value(r, "uniformity").has_value());
  EXPECT_TRUE(em::metric_value(r, "silhouette").has_value());
  EXPECT_TRUE(em::metric_value(r, "davies_bouldin").has_value());
}

TEST(LabelFreeReport, ToolEvalTakesViewsAndGroups) {
  const auto v = make_views(em_test::test_seed(203));
  const auto dir = em_test::temp_dir("label_free_report");
  const std::string a = (dir / "a.npy").string(), b = (dir / "b.npy").string(),
                    g = (dir / "g.npy").string();
  em::save_npy(a, v.a.view());
  em::save_npy(b, v.b.view());
  em::save_npy(g, v.groups);
  auto r = em_test::run_tool("eval '" + a + "' --k 5 --views '" + b + "' --groups '" + g +
                             "' --device cpu --threads 1 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  em::resources res("cpu", 1);
  EXPECT_NEAR(j["alignment"].get<double>(), em::alignment(res, v.a.view(), v.b.view()).alignment, 1e-12);
  EXPECT_NEAR(j["lidar"].get<double>(), em::lidar(res, v.a.view(), v.groups).lidar, 1e-9);
  EXPECT_FALSE(j.contains("alignment_reason"));

  // A --views file of another shape is an error that names it.
  const std::string short_b = (dir / "short.npy").string();
  em::save_npy(short_b, em::matrix_view(v.b.data(), 100, 12));
  r = em_test::run_tool("eval '" + a + "' --k 5 --views '" + short_b + "' --device cpu --format json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("short.npy"), std::string::npos) << r.err;

  // track: one --views file per checkpoint; alignment and LiDAR are correlated too.
  const std::string lp = (dir / "lp.txt").string();
  {
    std::ofstream(lp) << "0.5\n0.6\n0.7\n";
  }
  r = em_test::run_tool("track '" + a + "' '" + b + "' '" + a + "' --views '" + b + "' --views '" + a +
                        "' --views '" + b + "' --groups '" + g + "' --lp-acc '" + lp +
                        "' --k 5 --device cpu --threads 1 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["correlations"].contains("alignment")) << r.out.substr(0, 400);
  EXPECT_TRUE(j["correlations"].contains("lidar"));
  EXPECT_TRUE(j["correlations"].contains("uniformity"));
}
