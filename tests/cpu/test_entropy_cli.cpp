// `embed-metrics entropy`: JSON keys, values equal to the library's, the
// estimator choice, units, and exit codes.
#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/io.hpp"

namespace em = embed_metrics;

namespace {
std::string write_embeddings(const em::host_matrix& x) {
  const auto path = (em_test::temp_dir("entropy_cli") / "emb.npy").string();
  em::save_npy(path, x.view());
  return path;
}
}  // namespace

TEST(EntropyCli, AllEstimatorsAsJson) {
  const auto x = em_test::random_normal(400, 6, em_test::test_seed(81));
  const auto file = write_embeddings(x);
  const auto r = em_test::run_tool("entropy '" + file + "' --device cpu --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& kv : j.items()) keys.push_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"n", "d", "knn_entropy", "histogram_entropy",
                                            "gaussian_entropy", "effective_rank", "units", "k",
                                            "seconds"}));
  em::resources res("cpu");
  EXPECT_EQ(j["n"], 400);
  EXPECT_EQ(j["d"], 6);
  EXPECT_EQ(j["units"], "nats");
  EXPECT_EQ(j["k"], 3);
  EXPECT_NEAR(j["knn_entropy"].get<double>(), em::knn_entropy(res, x.view()).entropy, 1e-9);
  EXPECT_NEAR(j["histogram_entropy"].get<double>(), em::histogram_entropy(res, x.view()).entropy, 1e-9);
  EXPECT_NEAR(j["gaussian_entropy"].get<double>(), em::gaussian_entropy(res, x.view()).entropy, 1e-9);
  EXPECT_NEAR(j["effective_rank"].get<double>(), em::effective_rank(res, x.view()).effective_rank, 1e-9);
  EXPECT_GE(j["seconds"].get<double>(), 0.0);
}

TEST(EntropyCli, OneEstimatorInBitsLeavesTheOthersNull) {
  const auto x = em_test::random_normal(200, 4, em_test::test_seed(82));
  const auto file = write_embeddings(x);
  const auto r = em_test::run_tool("entropy '" + file + "' --estimator knn --k 5 --bits --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  em::resources res("cpu");
  em::knn_entropy_params p;
  p.k = 5;
  p.unit = em::entropy_unit::bits;
  EXPECT_NEAR(j["knn_entropy"].get<double>(), em::knn_entropy(res, x.view(), p).entropy, 1e-9);
  EXPECT_TRUE(j["histogram_entropy"].is_null());
  EXPECT_TRUE(j["gaussian_entropy"].is_null());
  EXPECT_TRUE(j["effective_rank"].is_null());
  EXPECT_EQ(j["units"], "bits");
  EXPECT_EQ(j["k"], 5);
}

TEST(EntropyCli, UsageAndInputErrors) {
  const auto x = em_test::random_normal(5, 2, em_test::test_seed(83));
  const auto file = write_embeddings(x);
  EXPECT_EQ(em_test::run_tool("entropy '" + file + "' --estimator bogus").exit_code, 2);
  const auto r = em_test::run_tool("entropy '" + file + "' --estimator knn --k 5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("embed-metrics: error:"), std::string::npos) << r.err;
  EXPECT_EQ(em_test::run_tool("entropy /nonexistent/emb.npy").exit_code, 1);
}
