// `embed-metrics silhouette`: JSON keys, the samples file, the approximations,
// and errors (exit codes, inputs never written over).
#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

struct files {
  std::filesystem::path dir, emb, labels;
  em_test::blobs data;
};

files write_inputs(const std::string& tag) {
  files f;
  f.dir = em_test::temp_dir(tag);
  f.emb = f.dir / "emb.npy";
  f.labels = f.dir / "labels.npy";
  f.data = em_test::make_blobs(300, 6, 4, 2.0, em_test::test_seed(17));
  em::save_npy(f.emb.string(), f.data.x.view());
  em::save_npy(f.labels.string(), f.data.labels);
  return f;
}

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST(SilhouetteTool, JsonKeysAndValuesMatchTheLibrary) {
  const auto f = write_inputs("sil_tool_json");
  const auto out = f.dir / "s.npy";
  const auto r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(f.labels) +
                                   " --metric cosine --samples " + q(out) +
                                   " --format json --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  // nlohmann::json sorts keys; the set is what matters here.
  EXPECT_EQ(keys, (std::vector<std::string>{"exact", "k", "metric", "n", "per_cluster", "seconds",
                                            "silhouette"}));
  em::resources res("cpu");
  em::silhouette_params p;
  p.metric = em::silhouette_metric::cosine;
  const auto want = em::silhouette(res, f.data.x.view(), f.data.labels, p);
  EXPECT_EQ(j["n"], 300);
  EXPECT_EQ(j["k"], 4);
  EXPECT_EQ(j["metric"], "cosine");
  EXPECT_EQ(j["exact"], true);
  EXPECT_NEAR(j["silhouette"].get<double>(), want.score, 1e-12);
  ASSERT_EQ(j["per_cluster"].size(), 4u);
  for (std::size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(j["per_cluster"][c]["label"], want.clusters[c].label);
    EXPECT_EQ(j["per_cluster"][c]["size"], want.clusters[c].size);
    EXPECT_NEAR(j["per_cluster"][c]["silhouette"].get<double>(), want.clusters[c].mean, 1e-12);
  }
  const auto s = em::load_embeddings(out.string());
  ASSERT_EQ(s.matrix.rows(), 300);
  ASSERT_EQ(s.matrix.cols(), 1);
  for (std::int64_t i = 0; i < 300; ++i)
    EXPECT_NEAR(s.matrix(i, 0), want.samples[static_cast<std::size_t>(i)], 1e-6);
}

TEST(SilhouetteTool, ApproximationsSayTheyAreNotExact) {
  const auto f = write_inputs("sil_tool_approx");
  const auto out = f.dir / "s.npy";
  auto r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(f.labels) +
                             " --sample-size 100 --seed 3 --samples " + q(out) +
                             " --format json --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["exact"], false);
  EXPECT_EQ(j["n"], 100);
  // One entry per row; the 200 rows not drawn are NaN.
  em::load_options o;
  o.drop_nonfinite = true;
  const auto s = em::load_embeddings(out.string(), o);
  EXPECT_EQ(s.matrix.rows(), 100);
  EXPECT_EQ(s.dropped_rows, 200);
  r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(f.labels) +
                        " --simplified --format json --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["exact"], false);
  EXPECT_EQ(j["n"], 300);
  // Both approximations at once is a usage error.
  r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(f.labels) +
                        " --simplified --sample-size 50 --device cpu");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(SilhouetteTool, ErrorsAndInputsNeverOverwritten) {
  const auto f = write_inputs("sil_tool_err");
  const auto before = std::filesystem::file_size(f.emb);
  auto r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(f.labels) + " --samples " +
                             q(f.emb) + " --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("one of the inputs"), std::string::npos) << r.err;
  EXPECT_EQ(std::filesystem::file_size(f.emb), before);
  EXPECT_EQ(em::load_embeddings(f.emb.string()).matrix.rows(), 300);

  r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(f.labels) + " --metric manhattan");
  EXPECT_EQ(r.exit_code, 2);

  const auto short_labels = f.dir / "short.txt";
  {
    std::ofstream o(short_labels);
    for (int i = 0; i < 299; ++i) o << i % 3 << '\n';
  }
  r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(short_labels) + " --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("299 labels"), std::string::npos) << r.err;

  const auto one = f.dir / "one.txt";
  {
    std::ofstream o(one);
    for (int i = 0; i < 300; ++i) o << 5 << '\n';
  }
  r = em_test::run_tool("silhouette " + q(f.emb) + " " + q(one) + " --device cpu");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("embed-metrics: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 distinct"), std::string::npos) << r.err;
}
