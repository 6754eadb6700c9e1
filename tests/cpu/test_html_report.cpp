// What `track --plot`, `track --html`, `eval --html` and `eval --append` write,
// checked on the files themselves (no browser: tests/browser renders them).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/version.hpp"

namespace em = embed_metrics;

namespace {

struct run_files {
  std::vector<std::string> checkpoints;
  std::string labels, lp, dir;
  std::string args;  // the checkpoints, quoted
};

// Clusters that sharpen over the run; the LP accuracy rises with them.
run_files write_run(int n_ckpt) {
  run_files f;
  f.dir = em_test::temp_dir("html").string();
  std::vector<std::int64_t> labels;
  for (int c = 0; c < n_ckpt; ++c) {
    auto b = em_test::make_blobs(180, 6, 3, 0.5 + 1.2 * c, em_test::test_seed(40));
    labels = b.labels;
    f.checkpoints.push_back(f.dir + "/epoch_" + std::to_string(c) + ".npy");
    em::save_npy(f.checkpoints.back(), b.x.view());
    f.args += "'" + f.checkpoints.back() + "' ";
  }
  f.labels = f.dir + "/labels.npy";
  em::save_npy(f.labels, labels);
  f.lp = f.dir + "/lp.txt";
  std::ofstream lp(f.lp);
  for (int c = 0; c < n_ckpt; ++c) lp << 0.4 + 0.1 * c + 0.01 * (c % 2) << "\n";
  return f;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size()))
    ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto p = text.find('\n'); p != std::string::npos; start = p + 1, p = text.find('\n', start))
    out.push_back(text.substr(start, p - start));
  return out;
}

const std::vector<std::string> kMetricsWithLabels{
    "silhouette",     "ami_c1_c2", "ari_c1_c2", "knn_entropy", "gaussian_entropy",
    "effective_rank", "inertia",   "ami_c1_gt", "ari_c1_gt",   "knn_accuracy",
    // The label-free metrics of issue 18 that need no second view or groups.
    "davies_bouldin", "calinski_harabasz", "uniformity", "alpha_req", "nesum", "collapse_sd"};

}  // namespace

TEST(TrackPlot, OnePanelPerMetricWithItsCorrelationAndTheSkippedCheckpointsShaded) {
  const auto f = write_run(5);
  const std::string svg = f.dir + "/plot.svg";
  const auto r = em_test::run_tool("track " + f.args + "--labels '" + f.labels + "' --lp-acc '" +
                                   f.lp + "' --k 3 --skip-first 1 --correlation kendall --plot '" +
                                   svg + "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const std::string doc = slurp(svg);
  EXPECT_EQ(count(doc, "<g class=\"panel\""), kMetricsWithLabels.size());
  EXPECT_EQ(count(doc, "<rect class=\"skipped\""), kMetricsWithLabels.size());
  // Every panel draws the LP accuracy on its right axis.
  EXPECT_EQ(count(doc, "data-metric=\"lp_accuracy\" data-axis=\"right\""),
            kMetricsWithLabels.size());
  for (const auto& m : kMetricsWithLabels) {
    SCOPED_TRACE(m);
    const auto at = doc.find("<g class=\"panel\" data-metric=\"" + m + "\"");
    ASSERT_NE(at, std::string::npos);
    const std::string panel = doc.substr(at, doc.find("</g>\n</g>", at) - at);
    EXPECT_NE(panel.find("data-metric=\"" + m + "\" data-axis=\"left\""), std::string::npos);
    // The title holds the correlations track printed, to two decimals.
    char want[96];
    std::snprintf(want, sizeof want, "Spearman %+.2f  \xC2\xB7  Kendall %+.2f",
                  j["correlations"][m]["spearman"].get<double>(),
                  j["correlations"][m]["kendall"].get<double>());
    EXPECT_NE(panel.find(want), std::string::npos)
        << "want '" << want << "' in " << panel.substr(0, 400);
  }
}

TEST(TrackHtml, IsOneSelfContainedFileWithEverySection) {
  const auto f = write_run(4);
  const std::string html = f.dir + "/report.html";
  const auto r =
      em_test::run_tool("track " + f.args + "--labels '" + f.labels + "' --lp-acc '" + f.lp +
                        "' --k 3 --seed 7 --html '" + html + "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string doc = slurp(html);
  // Nothing is fetched: no external script, style, font or image, and no
  // address but the SVG namespace.
  for (const char* bad : {"<script src", "<link", "@import", "url(", "<img", "<iframe", "https:"})
    EXPECT_EQ(doc.find(bad), std::string::npos) << bad;
  EXPECT_EQ(count(doc, "http://"), count(doc, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(count(doc, "<g class=\"panel\""), kMetricsWithLabels.size());
  EXPECT_EQ(count(doc, "class=\"spectrum-line\""), 4u);
  EXPECT_EQ(count(doc, "<g class=\"cluster-row\">"), 4u);
  // The checkpoint table: one row per checkpoint, sortable.
  const auto table = doc.substr(doc.find("<table class=\"sortable\" id=\"checkpoints\""));
  EXPECT_EQ(count(table.substr(0, table.find("</table>")), "<tr><td data-v="), 4u);
  // The correlation table: one row per metric, a colour per cell.
  const auto corr = doc.substr(doc.find("<table id=\"correlations\""));
  EXPECT_EQ(count(corr.substr(0, corr.find("</table>")), "<td style=\"background:#"),
            3 * kMetricsWithLabels.size());
  // The inputs that reproduce it.
  for (const std::string& want : {f.checkpoints[0], f.lp, f.labels, std::string(">7<"),
                                  std::string(">3<"), std::string(em::version_string)})
    EXPECT_NE(doc.find(want), std::string::npos) << want;
  EXPECT_NE(doc.find("<pre id=\"selftest-result\">"), std::string::npos);
}

TEST(EvalHtml, IsTheOneCheckpointPage) {
  const auto f = write_run(1);
  const std::string html = f.dir + "/eval.html";
  const auto r = em_test::run_tool("eval '" + f.checkpoints[0] + "' --labels '" + f.labels +
                                   "' --k 3 --html '" + html + "' --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string doc = slurp(html);
  EXPECT_EQ(count(doc, "<g class=\"panel\""), 0u);
  EXPECT_EQ(count(doc, "class=\"spectrum-line\""), 1u);
  EXPECT_EQ(count(doc, "<g class=\"cluster-row\">"), 1u);
  EXPECT_EQ(count(doc, "<tr><td data-v="), 1u);
  EXPECT_NE(doc.find(f.checkpoints[0]), std::string::npos);
  // The page may not replace its input.
  const auto bad = em_test::run_tool("eval '" + f.checkpoints[0] + "' --k 3 --html '" +
                                     f.checkpoints[0] + "' --device cpu");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("never writes over"), std::string::npos) << bad.err;
}

TEST(EvalAppend, CsvKeepsWhatIsThereAndWritesTheHeaderOnce) {
  const auto f = write_run(3);
  const std::string log = f.dir + "/metrics.csv";
  std::string before;
  for (int c = 0; c < 3; ++c) {
    const auto r = em_test::run_tool(
        "eval '" + f.checkpoints[c] + "' --k 3 --device cpu --append '" + log + "' --step " +
        std::to_string(10 * c) + " --lp-acc 0." + std::to_string(5 + c));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string now = slurp(log);
    EXPECT_EQ(now.substr(0, before.size()), before) << "a row rewrote what was there";
    before = now;
  }
  const auto lines = lines_of(before);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("step,path,n,d,k,silhouette,", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(",lp_accuracy"), std::string::npos);
  EXPECT_EQ(lines[3].rfind("20,", 0), 0u) << lines[3];
  EXPECT_EQ(lines[3].substr(lines[3].rfind(',') + 1), "0.69999999999999996");
  // Without --step the step is the number of rows so far.
  const std::string log2 = f.dir + "/nostep.csv";
  for (int c = 0; c < 2; ++c)
    ASSERT_EQ(em_test::run_tool("eval '" + f.checkpoints[c] + "' --k 3 --device cpu --append '" +
                                log2 + "'")
                  .exit_code,
              0);
  const auto l2 = lines_of(slurp(log2));
  ASSERT_EQ(l2.size(), 3u);
  EXPECT_EQ(l2[1].rfind("0,", 0), 0u);
  EXPECT_EQ(l2[2].rfind("1,", 0), 0u);
}

TEST(EvalAppend, AnotherHeaderIsAnErrorNamingTheFileAndBothHeaders) {
  const auto f = write_run(1);
  const std::string log = f.dir + "/metrics.csv";
  std::ofstream(log) << "epoch,loss\n0,1.5\n";
  const std::string before = slurp(log);
  const auto r = em_test::run_tool("eval '" + f.checkpoints[0] + "' --k 3 --device cpu --append '" +
                                   log + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(log), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'epoch,loss'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'step,path,n,d,k,"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(log), before);
  // --step without --append is a usage error.
  EXPECT_EQ(
      em_test::run_tool("eval '" + f.checkpoints[0] + "' --k 3 --step 2 --device cpu").exit_code,
      2);
}

TEST(EvalAppend, JsonlIsOneObjectPerLineWithTheSameKeys) {
  const auto f = write_run(2);
  const std::string log = f.dir + "/metrics.jsonl";
  for (int c = 0; c < 2; ++c)
    ASSERT_EQ(em_test::run_tool("eval '" + f.checkpoints[c] + "' --k 3 --device cpu --append '" +
                                log + "' --step " + std::to_string(c + 1))
                  .exit_code,
              0);
  const auto lines = lines_of(slurp(log));
  ASSERT_EQ(lines.size(), 2u);
  const auto a = nlohmann::json::parse(lines[0]), b = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(a["step"], 1);
  EXPECT_EQ(b["step"], 2);
  EXPECT_EQ(b["path"], f.checkpoints[1]);
  EXPECT_TRUE(b["silhouette"].is_number());
  // Other keys (labels now given) are refused.
  const auto r = em_test::run_tool("eval '" + f.checkpoints[0] + "' --k 3 --labels '" + f.labels +
                                   "' --device cpu --append '" + log + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ami_c1_gt"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(slurp(log)).size(), 2u);
}

TEST(TrackLog, ReadsAnAppendedLogAsTheLpAccuracy) {
  const auto f = write_run(4);
  const std::string log = f.dir + "/metrics.csv";
  const double lp[] = {0.41, 0.55, 0.52, 0.7};
  for (int c = 0; c < 4; ++c) {
    char acc[16];
    std::snprintf(acc, sizeof acc, "%.2f", lp[c]);
    ASSERT_EQ(em_test::run_tool("eval '" + f.checkpoints[c] + "' --k 3 --device cpu --append '" +
                                log + "' --lp-acc " + acc)
                  .exit_code,
              0);
  }
  const auto r = em_test::run_tool("track " + f.args + "--k 3 --lp-acc '" + log +
                                   "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["reference"], "lp_accuracy");
  for (int c = 0; c < 4; ++c)
    EXPECT_DOUBLE_EQ(j["checkpoints"][c]["lp_accuracy"].get<double>(), lp[c]);
}

TEST(TrackLog, FromLogGivesTheRowsAndCorrelationsOfComputingThem) {
  const auto f = write_run(4);
  const std::string log = f.dir + "/metrics.jsonl";
  for (int c = 0; c < 4; ++c)
    ASSERT_EQ(em_test::run_tool("eval '" + f.checkpoints[c] + "' --k 3 --labels '" + f.labels +
                                "' --device cpu --append '" + log + "'")
                  .exit_code,
              0);
  const auto direct = em_test::run_tool("track " + f.args + "--k 3 --labels '" + f.labels +
                                        "' --device cpu --format json");
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  const std::string html = f.dir + "/from_log.html";
  const auto logged =
      em_test::run_tool("track --from-log '" + log + "' --html '" + html + "' --format json");
  ASSERT_EQ(logged.exit_code, 0) << logged.err;
  const auto a = nlohmann::json::parse(direct.out), b = nlohmann::json::parse(logged.out);
  EXPECT_EQ(b["reference"], "ami_c1_gt");  // no LP accuracy in the log: AMI against the labels
  ASSERT_EQ(b["checkpoints"].size(), 4u);
  for (const char* m : {"silhouette", "ami_c1_c2", "knn_entropy", "effective_rank"}) {
    SCOPED_TRACE(m);
    EXPECT_DOUBLE_EQ(b["checkpoints"][3][m].get<double>(), a["checkpoints"][3][m].get<double>());
    EXPECT_DOUBLE_EQ(b["correlations"][m]["spearman"].get<double>(),
                     a["correlations"][m]["spearman"].get<double>());
  }
  // The page from the log has a panel per logged metric but the reference.
  EXPECT_EQ(count(slurp(html), "<g class=\"panel\""), kMetricsWithLabels.size() - 1);
  // Checkpoints and a log together, or neither, are usage errors.
  EXPECT_EQ(em_test::run_tool("track " + f.args + "--from-log '" + log + "'").exit_code, 1);
  EXPECT_EQ(em_test::run_tool("track --k 3").exit_code, 1);
}

TEST(TrackPlot, TheChosenReferenceIsOnEverySecondAxis) {
  const auto f = write_run(4);
  const std::string svg = f.dir + "/ref.svg";
  const auto r = em_test::run_tool("track " + f.args + "--labels '" + f.labels +
                                   "' --k 3 --reference knn_accuracy --plot '" + svg +
                                   "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["reference"], "knn_accuracy");
  EXPECT_FALSE(j["correlations"].contains("knn_accuracy"));
  EXPECT_TRUE(j["correlations"].contains("ami_c1_gt"));
  const std::string doc = slurp(svg);
  EXPECT_EQ(count(doc, "<g class=\"panel\""), kMetricsWithLabels.size() - 1);
  EXPECT_EQ(count(doc, "data-metric=\"knn_accuracy\" data-axis=\"right\""),
            kMetricsWithLabels.size() - 1);
  const auto bad =
      em_test::run_tool("track " + f.args + "--k 3 --reference lp_accuracy --device cpu");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--reference lp_accuracy"), std::string::npos) << bad.err;
}
