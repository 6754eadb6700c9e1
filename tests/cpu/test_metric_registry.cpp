// The report's metric registry: it matches the README's metrics table, every
// entry is computed by a step of evaluate() and reaches the tool's outputs;
// and --seeds N (mean and spread of the seed-dependent metrics over N seed
// pairs from one batched k-means call).
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "common/test_util.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/report_metrics.hpp"
#include "embed_metrics/silhouette.hpp"
#include "report/metric_registry.hpp"

namespace em = embed_metrics;

namespace {

// The metric keys of the README's "The metrics and what they mean" table:
// the `key` spans of each row's first cell.
std::set<std::string> readme_table_keys() {
  std::ifstream in(std::string(EM_GOLDEN_DIR) + "/../../README.md");
  EXPECT_TRUE(in) << "README.md not found beside tests/";
  std::string line;
  bool in_section = false;
  std::set<std::string> keys;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## The metrics and what they mean";
    if (!in_section || line.rfind("| ", 0) != 0) continue;
    const auto end = line.find(" |", 2);
    const std::string first = line.substr(2, end - 2);
    // Each `span` of [a-z0-9_] characters (no <regex>: GCC 12 warns inside it
    // under the sanitizers).
    for (std::size_t open = first.find('`'); open != std::string::npos;) {
      const std::size_t close = first.find('`', open + 1);
      if (close == std::string::npos) break;
      const std::string span = first.substr(open + 1, close - open - 1);
      const bool is_key = !span.empty() && span.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
                                               std::string::npos;
      if (is_key) keys.insert(span);
      open = first.find('`', close + 1);
    }
  }
  return keys;
}

std::vector<em::host_matrix> blobs_with_labels(std::vector<std::int64_t>* labels) {
  const auto b = em_test::make_blobs(150, 5, 3, 2.5, 41);
  *labels = b.labels;
  std::vector<em::host_matrix> v;
  v.push_back(b.x);
  return v;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double sample_std(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

TEST(MetricRegistry, MatchesTheReadmeTable) {
  std::set<std::string> registry;
  for (const auto& m : em::report_metrics()) registry.insert(std::string(m.key));
  const auto readme = readme_table_keys();
  ASSERT_FALSE(readme.empty()) << "no metrics table found in README.md";
  for (const auto& k : registry)
    EXPECT_TRUE(readme.count(k)) << k << " is in the registry but not in the README's metrics table";
  for (const auto& k : readme)
    EXPECT_TRUE(registry.count(k)) << k << " is in the README's metrics table but not in the registry";
}

TEST(MetricRegistry, EntriesAreCompleteAndTheirStepsExist) {
  std::set<std::string> keys, steps;
  for (const auto& s : em::detail::report_steps()) steps.insert(std::string(s.name));
  for (const auto& m : em::report_metrics()) {
    EXPECT_TRUE(keys.insert(std::string(m.key)).second) << "duplicate key " << m.key;
    EXPECT_FALSE(m.unit.empty()) << m.key;
    EXPECT_FALSE(m.meaning.empty()) << m.key;
    EXPECT_FALSE(m.source.empty()) << m.key;
    EXPECT_TRUE(steps.count(std::string(m.step))) << m.key << ": no step named '" << m.step << "'";
    EXPECT_EQ(em::find_report_metric(m.key), &m);
  }
  EXPECT_EQ(em::find_report_metric("no_such_metric"), nullptr);
  EXPECT_EQ(em::spread_key("silhouette"), "silhouette_std");
}

TEST(MetricRegistry, EvaluateComputesEveryMetric) {
  std::vector<std::int64_t> labels;
  const auto x = blobs_with_labels(&labels);
  em::resources res("cpu");
  em::report_params p;
  p.k = 3;
  // The metrics with inputs of their own: a second view and view groups.
  const auto views = em_test::random_normal(x[0].rows(), x[0].cols(), 42);
  std::vector<std::int64_t> groups(static_cast<std::size_t>(x[0].rows()));
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i] = static_cast<std::int64_t>(i / 3);
  p.views = views.view();
  p.groups = groups;
  const auto r = em::evaluate(res, x[0].view(), labels, p);
  for (const auto& m : em::report_metrics()) {
    const auto v = em::metric_value(r, m.key);
    ASSERT_TRUE(v.has_value()) << m.key << " was not computed with labels";
    EXPECT_TRUE(std::isfinite(*v)) << m.key;
  }
  EXPECT_EQ(*em::metric_value(r, "silhouette"), *r.silhouette);
  EXPECT_TRUE(r.seed_std.empty());  // one seed pair: no spread
  const auto unlabelled = em::evaluate(res, x[0].view(), {}, p);
  for (const auto& m : em::report_metrics())
    EXPECT_EQ(em::metric_value(unlabelled, m.key).has_value(), !m.needs_labels) << m.key;
  EXPECT_THROW((void)em::metric_value(r, "no_such_metric"), em::invalid_argument);
}

// seeds = 1 is the study's pair (seed, seed + 1); seeds = N runs the pairs
// (seed + 2i, seed + 2i + 1) in one batch. The same batch is run here, each
// pair scored with the public silhouette / agreement, then averaged.
TEST(ReportSeeds, MeanAndSpreadOverSeedPairs) {
  std::vector<std::int64_t> labels;
  const auto x = blobs_with_labels(&labels);
  em::resources res("cpu");
  em::report_params p;
  p.k = 4;  // one cluster more than the blobs: the seed matters
  p.seed = 7;
  const auto one = em::evaluate(res, x[0].view(), labels, p);
  p.seeds = 4;
  const auto four = em::evaluate(res, x[0].view(), labels, p);
  EXPECT_EQ(four.seeds, 4);

  std::vector<double> sil, ami, ari, inertia, ami_gt, ari_gt;
  em::kmeans_params kp;
  kp.k = 4;
  const auto runs = em::kmeans_batch(res, x[0].view(), kp, {7, 8, 9, 10, 11, 12, 13, 14});
  const auto pair = em::kmeans_batch(res, x[0].view(), kp, {7, 8});
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& c1 = runs[2 * i].labels;
    em::silhouette_params sp;
    sp.per_sample = false;
    sil.push_back(em::silhouette(res, x[0].view(), c1, sp).score);
    em::agreement_params ap;
    ap.accuracy = false;
    const auto a = em::agreement(res, c1, runs[2 * i + 1].labels, ap);
    const auto g = em::agreement(res, c1, labels, ap);
    ami.push_back(a.ami), ari.push_back(a.ari), inertia.push_back(runs[2 * i].inertia);
    ami_gt.push_back(g.ami), ari_gt.push_back(g.ari);
  }
  // seeds = 1 is the pair (seed, seed + 1) alone, as before --seeds.
  em::silhouette_params sp;
  sp.per_sample = false;
  EXPECT_EQ(*one.silhouette, em::silhouette(res, x[0].view(), pair[0].labels, sp).score);
  EXPECT_EQ(*one.inertia, pair[0].inertia);
  EXPECT_TRUE(one.seed_std.empty());
  const std::vector<std::pair<std::string, std::vector<double>>> want{
      {"silhouette", sil}, {"ami_c1_c2", ami},   {"ari_c1_c2", ari},
      {"inertia", inertia}, {"ami_c1_gt", ami_gt}, {"ari_c1_gt", ari_gt}};
  for (const auto& [key, per_pair] : want) {
    EXPECT_NEAR(*em::metric_value(four, key), mean_of(per_pair), 1e-12 * (1 + std::fabs(mean_of(per_pair))))
        << key;
    ASSERT_TRUE(four.seed_std.count(key)) << key;
    EXPECT_NEAR(four.seed_std.at(key), sample_std(per_pair), 1e-9 * (1 + sample_std(per_pair))) << key;
  }
  EXPECT_GT(four.seed_std.at("ami_c1_c2"), 0.0) << "the pairs should differ for k = 4 on 3 blobs";
  // Exactly the seed-dependent metrics get a spread; the others are unchanged.
  for (const auto& m : em::report_metrics()) {
    EXPECT_EQ(four.seed_std.count(m.key) == 1, m.seed_dependent) << m.key;
    if (!m.seed_dependent) {
      EXPECT_EQ(em::metric_value(four, m.key), em::metric_value(one, m.key)) << m.key;
    }
  }
  p.seeds = 0;
  EXPECT_THROW((void)em::evaluate(res, x[0].view(), labels, p), em::invalid_argument);
}

TEST(ToolSeeds, EvalGivesTheSpreadAndTrackCorrelatesTheMeans) {
  std::vector<std::int64_t> labels;
  const auto x = blobs_with_labels(&labels);
  const auto dir = em_test::temp_dir("seeds").string();
  std::vector<std::string> ckpts;
  for (int c = 0; c < 3; ++c) {
    ckpts.push_back(dir + "/e" + std::to_string(c) + ".npy");
    em::host_matrix y = x[0];
    for (std::int64_t i = 0; i < y.rows(); ++i) y(i, 0) *= static_cast<float>(1 + c);
    em::save_npy(ckpts.back(), y.view());
  }
  const std::string lp = dir + "/lp.txt";
  std::ofstream(lp) << "0.1\n0.2\n0.3\n";

  auto r = em_test::run_tool("eval '" + ckpts[0] + "' --k 4 --seeds 3 --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::ordered_json::parse(r.out);
  EXPECT_EQ(j["seeds"], 3);
  for (const char* k : {"silhouette_std", "ami_c1_c2_std", "ari_c1_c2_std", "inertia_std"})
    EXPECT_TRUE(j.contains(k) && j[k].is_number()) << k;
  EXPECT_FALSE(j.contains("knn_entropy_std"));

  r = em_test::run_tool("eval '" + ckpts[0] + "' --k 4 --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::ordered_json::parse(r.out);
  EXPECT_FALSE(j.contains("seeds"));
  EXPECT_FALSE(j.contains("silhouette_std"));

  const std::string log = dir + "/log.csv";
  for (int c = 0; c < 3; ++c) {
    r = em_test::run_tool("eval '" + ckpts[c] + "' --k 4 --seeds 2 --device cpu --append '" + log +
                          "' --lp-acc 0." + std::to_string(c + 1) + " --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string plot = dir + "/plot.svg";
  r = em_test::run_tool("track --from-log '" + log + "' --plot '" + plot + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["correlations"].contains("silhouette"));
  for (auto& [key, v] : j["correlations"].items()) {
    (void)v;
    EXPECT_EQ(key.find("_std"), std::string::npos) << key << " is a spread, not a metric";
    EXPECT_NE(key, "seeds");
  }
  std::ifstream svg(plot);
  const std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("data-metric=\"silhouette_std\""), std::string::npos);
  EXPECT_NE(text.find("data-metric=\"silhouette\""), std::string::npos);

  r = em_test::run_tool("track '" + ckpts[0] + "' '" + ckpts[1] + "' '" + ckpts[2] + "' --lp-acc '" + lp +
                        "' --k 4 --seeds 2 --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["checkpoints"][0]["silhouette_std"].is_number());
  EXPECT_TRUE(j["correlations"].contains("silhouette"));
  EXPECT_FALSE(j["correlations"].contains("silhouette_std"));
}

TEST(ToolExplain, EveryMetricWithItsSource) {
  std::vector<std::int64_t> labels;
  const auto x = blobs_with_labels(&labels);
  const auto dir = em_test::temp_dir("explain").string();
  em::save_npy(dir + "/x.npy", x[0].view());
  em::save_npy(dir + "/y.npy", labels);
  const auto r = em_test::run_tool("eval '" + dir + "/x.npy' --labels '" + dir +
                                   "/y.npy' --device cpu --explain");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& m : em::report_metrics()) {
    const std::string line = "  " + std::string(m.key) + ": ";
    const auto at = r.out.find(line);
    ASSERT_NE(at, std::string::npos) << m.key << " not explained:\n" << r.out;
    const auto end = r.out.find('\n', at);
    EXPECT_NE(r.out.substr(at, end - at).find(std::string(m.source)), std::string::npos) << m.key;
  }
}

// The inputs of the two-view and group metrics are checked where the report
// starts, whichever step reads them.
TEST(ReportInputs, SecondViewAndGroupsMustMatchTheEmbeddings) {
  const auto b = em_test::make_blobs(60, 4, 3, 5.0, 10);
  const auto other = em_test::make_blobs(59, 4, 3, 5.0, 11);
  em::resources res("cpu");
  em::report_params p;
  p.k = 3;
  p.views = other.x.view();
  try {
    (void)em::evaluate(res, b.x.view(), {}, p);
    ADD_FAILURE() << "a second view of 59 rows for 60 was accepted";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("second view"), std::string::npos) << e.what();
  }
  const auto same = em_test::make_blobs(60, 4, 3, 5.0, 12);
  p.views = same.x.view();
  EXPECT_NO_THROW((void)em::evaluate(res, b.x.view(), {}, p));
  const std::vector<std::int64_t> groups(59, 0);
  p.groups = groups;
  EXPECT_THROW((void)em::evaluate(res, b.x.view(), {}, p), em::invalid_argument);
}

TEST(ToolInputs, ViewsAndGroupsAreReadAndChecked) {
  const auto b = em_test::make_blobs(60, 4, 3, 5.0, 13);
  const auto short_view = em_test::make_blobs(50, 4, 3, 5.0, 14);
  const auto dir = em_test::temp_dir("views").string();
  em::save_npy(dir + "/a.npy", b.x.view());
  em::save_npy(dir + "/b.npy", b.x.view());
  em::save_npy(dir + "/short.npy", short_view.x.view());
  em::save_npy(dir + "/groups.npy", std::vector<std::int64_t>(60, 1));
  em::save_npy(dir + "/groups_short.npy", std::vector<std::int64_t>(50, 1));
  const std::string eval = "eval '" + dir + "/a.npy' --k 3 --device cpu --format json ";
  auto r = em_test::run_tool(eval + "--views '" + dir + "/b.npy' --groups '" + dir + "/groups.npy'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = em_test::run_tool(eval + "--views '" + dir + "/short.npy'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("short.npy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a.npy"), std::string::npos) << r.err;
  r = em_test::run_tool(eval + "--groups '" + dir + "/groups_short.npy'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("groups_short.npy"), std::string::npos) << r.err;
  r = em_test::run_tool("track '" + dir + "/a.npy' '" + dir + "/a.npy' --views '" + dir +
                        "/b.npy' --k 3 --device cpu");
  EXPECT_NE(r.exit_code, 0) << "track takes one --views file per checkpoint";
  EXPECT_NE(r.err.find("one per checkpoint"), std::string::npos) << r.err;
}
