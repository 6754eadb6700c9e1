// The report API and the eval / track commands.
#include <cmath>
#include <fstream>

#include "common/test_util.hpp"
#include "embed_metrics/correlation.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/report.hpp"

namespace em = embed_metrics;

namespace {

// A trajectory whose clusters sharpen: the same labels, centres pushed apart
// a little more at every checkpoint.
std::vector<em::host_matrix> sharpening_trajectory(int checkpoints, std::vector<std::int64_t>* labels) {
  constexpr std::int64_t kN = 240, kD = 8, kK = 4;
  const auto centres = em_test::random_normal(kK, kD, em_test::test_seed(31));
  const auto noise = em_test::random_normal(kN, kD, 77);
  *labels = em_test::random_labels(kN, kK, 78);
  std::vector<em::host_matrix> out;
  for (int c = 0; c < checkpoints; ++c) {
    const double spread = 0.3 + 0.9 * c;  // centre scale; the noise stays N(0, 1)
    em::host_matrix x(kN, kD);
    for (std::int64_t i = 0; i < kN; ++i)
      for (std::int64_t j = 0; j < kD; ++j)
        x(i, j) = static_cast<float>(spread * centres((*labels)[static_cast<std::size_t>(i)], j) +
                                     noise(i, j));
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

TEST(Report, SharpeningClustersTrackRisingAccuracy) {
  std::vector<std::int64_t> labels;
  const auto traj = sharpening_trajectory(6, &labels);
  em::resources res("cpu", 2);
  std::vector<double> sil, ami, lp;
  for (std::size_t c = 0; c < traj.size(); ++c) {
    em::report_params p;
    p.k = 4;
    const auto r = em::evaluate(res, traj[c].view(), labels, p);
    ASSERT_TRUE(r.silhouette && r.ami_c1_c2 && r.ami_c1_gt && r.knn_accuracy);
    sil.push_back(*r.silhouette);
    ami.push_back(*r.ami_c1_gt);
    lp.push_back(0.3 + 0.1 * static_cast<double>(c));  // a rising probe accuracy
  }
  EXPECT_GT(em::spearman(sil, lp), 0.8);
  EXPECT_GT(em::spearman(ami, lp), 0.5);
  EXPECT_GT(sil.back(), sil.front());
}

TEST(Report, FillsEveryFieldAndTakesKFromLabels) {
  const auto b = em_test::make_blobs(150, 5, 3, 6.0, em_test::test_seed(4));
  em::resources res("cpu");
  const auto r = em::evaluate(res, b.x.view(), b.labels);
  EXPECT_EQ(r.n, 150);
  EXPECT_EQ(r.d, 5);
  EXPECT_EQ(r.k, 3);
  EXPECT_EQ(r.device, "cpu");
  for (const auto& v : {r.silhouette, r.ami_c1_c2, r.ari_c1_c2, r.inertia, r.knn_entropy,
                        r.gaussian_entropy, r.effective_rank, r.ami_c1_gt, r.ari_c1_gt, r.knn_accuracy}) {
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(std::isfinite(*v));
  }
  EXPECT_NEAR(*r.ami_c1_gt, 1.0, 1e-9);  // well-separated blobs
  EXPECT_NEAR(*r.knn_accuracy, 1.0, 1e-12);
  EXPECT_GT(r.seconds, 0.0);
}

TEST(Report, PartsCanBeLeftOut) {
  const auto b = em_test::make_blobs(90, 4, 3, 5.0, 8);
  em::resources res("cpu");
  em::report_params p;
  p.k = 3;
  p.clustering = false;
  p.spectrum = false;
  const auto r = em::evaluate(res, b.x.view(), {}, p);
  EXPECT_FALSE(r.silhouette.has_value());
  EXPECT_FALSE(r.ami_c1_c2.has_value());
  EXPECT_FALSE(r.effective_rank.has_value());
  EXPECT_TRUE(r.knn_entropy.has_value());
  EXPECT_FALSE(r.ami_c1_gt.has_value());
}

TEST(Report, CosineWithNormalisation) {
  const auto b = em_test::make_blobs(120, 6, 3, 8.0, 12);
  em::resources res("cpu");
  em::report_params p;
  p.metric = em::distance_metric::cosine;
  p.normalize = true;
  const auto r = em::evaluate(res, b.x.view(), b.labels, p);
  ASSERT_TRUE(r.silhouette.has_value());
  EXPECT_LE(*r.silhouette, 1.0);
  EXPECT_GE(*r.silhouette, -1.0);
}

TEST(Report, ProgressIsReportedAndCanStopTheWork) {
  const auto b = em_test::make_blobs(90, 4, 3, 5.0, 9);
  em::resources res("cpu");
  em::report_params p;
  p.k = 3;
  std::vector<int> seen;
  p.progress = [&](const std::string&, int done, int total) {
    EXPECT_LE(done, total);
    seen.push_back(done);
  };
  (void)em::evaluate(res, b.x.view(), {}, p);
  ASSERT_GE(seen.size(), 4u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i], seen[i - 1]);
  p.progress = [](const std::string&, int done, int) {
    if (done == 2) throw em::interrupted("stop");
  };
  EXPECT_THROW((void)em::evaluate(res, b.x.view(), {}, p), em::interrupted);
}

TEST(Report, BadInputs) {
  const auto b = em_test::make_blobs(60, 4, 3, 5.0, 10);
  em::resources res("cpu");
  EXPECT_THROW((void)em::evaluate(res, b.x.view()), em::invalid_argument);  // no k, no labels
  std::vector<std::int64_t> short_labels(b.labels.begin(), b.labels.end() - 1);
  try {
    (void)em::evaluate(res, b.x.view(), short_labels);
    FAIL() << "expected invalid_argument";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("59"), std::string::npos) << e.what();
  }
  em::report_params p;
  p.k = 60;  // k = n
  EXPECT_THROW((void)em::evaluate(res, b.x.view(), {}, p), em::invalid_argument);
  p.k = 3;
  // The metric is a distance_metric now: an unknown name fails where it is
  // parsed, and sqeuclidean (no k-means geometry) where the report starts.
  EXPECT_THROW((void)em::parse_distance_metric("manhattan"), em::invalid_argument);
  p.metric = em::distance_metric::sqeuclidean;
  EXPECT_THROW((void)em::evaluate(res, b.x.view(), {}, p), em::invalid_argument);
}

// ------------------------------------------------------------------ tool ---

namespace {

struct trajectory_files {
  std::vector<std::string> checkpoints;
  std::string labels, lp, dir;
};

trajectory_files write_trajectory(int n_ckpt) {
  std::vector<std::int64_t> labels;
  const auto traj = sharpening_trajectory(n_ckpt, &labels);
  trajectory_files f;
  f.dir = em_test::temp_dir("track").string();
  for (int c = 0; c < n_ckpt; ++c) {
    f.checkpoints.push_back(f.dir + "/epoch_" + std::to_string(c) + ".npy");
    em::save_npy(f.checkpoints.back(), traj[static_cast<std::size_t>(c)].view());
  }
  f.labels = f.dir + "/labels.npy";
  em::save_npy(f.labels, labels);
  f.lp = f.dir + "/lp_acc.txt";
  std::ofstream lp(f.lp);
  lp << "lp_accuracy\n";
  for (int c = 0; c < n_ckpt; ++c) lp << 0.3 + 0.1 * c << "\n";
  return f;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "'" + x + "' ";
  return s;
}

}  // namespace

TEST(ToolEval, JsonHasTheDocumentedKeysInOrder) {
  const auto f = write_trajectory(1);
  const auto r = em_test::run_tool("eval '" + f.checkpoints[0] + "' --labels '" + f.labels +
                                   "' --k 4 --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> want{"n", "d", "k", "silhouette", "ami_c1_c2", "ari_c1_c2",
                                      "knn_entropy", "gaussian_entropy", "effective_rank",
                                      "inertia", "davies_bouldin", "calinski_harabasz",
                                      "uniformity", "alpha_req", "nesum", "collapse_sd",
                                      "alignment", "alignment_reason", "lidar", "lidar_reason",
                                      "ami_c1_gt", "ari_c1_gt", "knn_accuracy", "device",
                                      "seconds"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(j["n"], 240);
  EXPECT_EQ(j["device"], "cpu");
}

TEST(ToolEval, WithoutLabelsNeedsK) {
  const auto f = write_trajectory(1);
  const auto r = em_test::run_tool("eval '" + f.checkpoints[0] + "' --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--k"), std::string::npos) << r.err;
}

TEST(ToolTrack, CorrelationsAndPlot) {
  const auto f = write_trajectory(5);
  const std::string plot = f.dir + "/plot.svg";
  const auto r = em_test::run_tool("track " + join(f.checkpoints) + " --labels '" + f.labels +
                                   "' --lp-acc '" + f.lp + "' --k 4 --plot '" + plot +
                                   "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["checkpoints"].size(), 5u);
  EXPECT_EQ(j["checkpoints"][0]["path"], f.checkpoints[0]);
  EXPECT_EQ(j["reference"], "lp_accuracy");
  EXPECT_GT(j["correlations"]["silhouette"]["spearman"].get<double>(), 0.8);
  for (const char* m : {"spearman", "pearson", "kendall"})
    EXPECT_TRUE(j["correlations"]["silhouette"].contains(m)) << m;

  // The SVG parses as XML and holds one series per metric plus the LP accuracy.
  const auto check = em_test::temp_dir("svg") / "series.txt";
  const std::string py =
      "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
      "print(' '.join(g.get('data-metric') for g in r.iter('{http://www.w3.org/2000/svg}g') "
      "if g.get('class') == 'series'))\" '" + plot + "' > '" + check.string() + "'";
  ASSERT_EQ(std::system(py.c_str()), 0) << "the plot is not well-formed XML";
  std::ifstream in(check);
  std::string series((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* m : {"silhouette", "ami_c1_c2", "ari_c1_c2", "knn_entropy", "gaussian_entropy",
                        "effective_rank", "inertia", "ami_c1_gt", "ari_c1_gt", "knn_accuracy",
                        "lp_accuracy"})
    EXPECT_NE(series.find(m), std::string::npos) << m << " missing from: " << series;
}

TEST(ToolTrack, CsvIsOneRowPerCheckpointAndSkipFirstApplies) {
  const auto f = write_trajectory(4);
  const auto csv = em_test::run_tool("track " + join(f.checkpoints) + " --labels '" + f.labels +
                                     "' --device cpu --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 5);  // header + 4 rows
  const auto js = em_test::run_tool("track " + join(f.checkpoints) + " --labels '" + f.labels +
                                    "' --skip-first 1 --device cpu --format json");
  ASSERT_EQ(js.exit_code, 0) << js.err;
  const auto j = nlohmann::json::parse(js.out);
  EXPECT_EQ(j["reference"], "ami_c1_gt");  // no LP file: AMI against the labels
  EXPECT_EQ(j["skip_first"], 1);
  EXPECT_TRUE(j["correlations"].contains("silhouette"));
}

TEST(ToolTrack, BadInputsGetClearErrors) {
  const auto f = write_trajectory(3);
  // One LP value too few.
  const std::string short_lp = f.dir + "/short.txt";
  std::ofstream(short_lp) << "0.5\n0.6\n";
  auto r = em_test::run_tool("track " + join(f.checkpoints) + " --lp-acc '" + short_lp +
                             "' --k 4 --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("2 values but 3 checkpoints"), std::string::npos) << r.err;
  // A checkpoint of another width.
  const std::string wide = f.dir + "/wide.npy";
  em::save_npy(wide, em_test::random_normal(240, 9, 1).view());
  r = em_test::run_tool("track '" + f.checkpoints[0] + "' '" + wide + "' --k 4 --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("same width"), std::string::npos) << r.err;
  // The plot may not overwrite an input.
  r = em_test::run_tool("track " + join(f.checkpoints) + " --k 4 --plot '" + f.checkpoints[0] +
                        "' --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("never writes over"), std::string::npos) << r.err;
  // Labels of the wrong length.
  const std::string few = f.dir + "/few.npy";
  em::save_npy(few, std::vector<std::int64_t>(10, 0));
  r = em_test::run_tool("track " + join(f.checkpoints) + " --labels '" + few + "' --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("10 rows"), std::string::npos) << r.err;
}
