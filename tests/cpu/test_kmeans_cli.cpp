// `embed-metrics kmeans`: output keys, the labels and centres files, errors,
// and the refusal to write over the input.
#include <fstream>
#include <sstream>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/kmeans.hpp"

namespace em = embed_metrics;

namespace {

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST(KmeansCli, JsonKeysLabelsAndCentres) {
  const auto b = em_test::make_blobs(300, 6, 4, 5.0, em_test::test_seed(41));
  const auto dir = em_test::temp_dir("kmeans_cli");
  const auto emb = dir / "emb.npy";
  em::save_npy(emb.string(), b.x.view());
  const auto labels = dir / "labels.npy";
  const auto centers = dir / "centers.npy";
  const auto r = em_test::run_tool("kmeans " + q(emb) + " --k 4 --seed 7 --device cpu --format json --out " +
                                   q(labels) + " --centers " + q(centers));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"n", "d", "k", "inertia", "n_iter", "converged", "seed", "seconds"}));
  EXPECT_EQ(j["n"], 300);
  EXPECT_EQ(j["d"], 6);
  EXPECT_EQ(j["k"], 4);
  EXPECT_EQ(j["seed"], 7);

  em::resources res("cpu");
  em::kmeans_params p;
  p.k = 4;
  p.seed = 7;
  const auto want = em::kmeans(res, b.x.view(), p);
  EXPECT_DOUBLE_EQ(j["inertia"].get<double>(), want.inertia);
  EXPECT_EQ(em::load_labels(labels.string()), want.labels);
  const auto c = em::load_embeddings(centers.string());
  EXPECT_EQ(c.matrix.rows(), 4);
  EXPECT_EQ(c.matrix.cols(), 6);
  EXPECT_EQ(c.matrix.values(), want.centers.values());
}

TEST(KmeansCli, RefusesToWriteOverTheInput) {
  const auto x = em_test::random_normal(50, 3, 42);
  const auto dir = em_test::temp_dir("kmeans_cli");
  const auto emb = dir / "emb.npy";
  em::save_npy(emb.string(), x.view());
  const auto before = bytes_of(emb);
  for (const std::string opt : {"--out", "--centers"}) {
    const auto r = em_test::run_tool("kmeans " + q(emb) + " --k 2 --device cpu " + opt + " " + q(emb));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("is one of the inputs"), std::string::npos) << r.err;
  }
  // The same file through another spelling of its path.
  const auto r = em_test::run_tool("kmeans " + q(emb) + " --k 2 --device cpu --out " +
                                   q(dir / "." / "emb.npy"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(bytes_of(emb), before);
}

TEST(KmeansCli, UsageAndInputErrors) {
  const auto x = em_test::random_normal(10, 3, 43);
  const auto dir = em_test::temp_dir("kmeans_cli");
  const auto emb = dir / "emb.npy";
  em::save_npy(emb.string(), x.view());
  EXPECT_EQ(em_test::run_tool("kmeans " + q(emb)).exit_code, 2);  // --k is required
  EXPECT_EQ(em_test::run_tool("kmeans " + q(emb) + " --k 0").exit_code, 2);
  EXPECT_EQ(em_test::run_tool("kmeans " + q(emb) + " --k 2 --metric manhattan").exit_code, 2);
  const auto big = em_test::run_tool("kmeans " + q(emb) + " --k 11 --device cpu");
  EXPECT_EQ(big.exit_code, 1);
  EXPECT_NE(big.err.find("k is 11 but x has only 10 rows"), std::string::npos) << big.err;
  const auto missing = em_test::run_tool("kmeans " + q(dir / "nope.npy") + " --k 2 --device cpu");
  EXPECT_EQ(missing.exit_code, 1);
}
