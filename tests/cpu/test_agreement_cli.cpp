// `embed-metrics agree A B`: the JSON keys and their order, the values against
// the library, the options, and the exit codes.
#include <fstream>
#include <string>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/agreement.hpp"

namespace em = embed_metrics;

namespace {

std::string write_labels(const std::filesystem::path& dir, const std::string& name,
                         const std::vector<std::int64_t>& labels) {
  const auto path = dir / name;
  std::ofstream out(path);
  for (auto x : labels) out << x << '\n';
  return path.string();
}

}  // namespace

TEST(AgreementCli, JsonHasTheKeysInOrderAndTheLibraryValues) {
  const auto dir = em_test::temp_dir("agree_cli");
  const auto seed = em_test::test_seed(71);
  const auto a = em_test::random_labels(3000, 7, seed);
  auto b = em_test::random_labels(3000, 5, seed + 1);
  for (std::size_t i = 0; i < b.size(); i += 3) b[i] = a[i] - 1000;  // some agreement, negative labels
  const auto fa = write_labels(dir, "a.txt", a);
  const auto fb = write_labels(dir, "b.txt", b);
  const auto res = em_test::run_tool("agree --device cpu " + fa + " " + fb + " --average min --format json");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const auto j = nlohmann::ordered_json::parse(res.out);
  const std::vector<std::string> keys = {"n", "clusters_a", "clusters_b", "ari", "ami", "nmi", "mi",
                                         "homogeneity", "completeness", "v_measure",
                                         "fowlkes_mallows", "purity", "accuracy", "seconds"};
  std::vector<std::string> got;
  for (auto it = j.begin(); it != j.end(); ++it) got.push_back(it.key());
  ASSERT_GE(got.size(), keys.size());
  EXPECT_EQ(std::vector<std::string>(got.begin(), got.begin() + static_cast<long>(keys.size())), keys);

  em::resources cpu("cpu");
  em::agreement_params p;
  p.average = em::average_method::min;
  const auto r = em::agreement(cpu, a, b, p);
  EXPECT_EQ(j["n"].get<std::int64_t>(), 3000);
  EXPECT_EQ(j["clusters_a"].get<std::int64_t>(), r.clusters_a);
  EXPECT_EQ(j["clusters_b"].get<std::int64_t>(), r.clusters_b);
  EXPECT_DOUBLE_EQ(j["ami"].get<double>(), r.ami);
  EXPECT_DOUBLE_EQ(j["ari"].get<double>(), r.ari);
  EXPECT_DOUBLE_EQ(j["nmi"].get<double>(), r.nmi);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), r.accuracy);
  EXPECT_DOUBLE_EQ(j["v_measure"].get<double>(), r.v_measure);
  EXPECT_GE(j["seconds"].get<double>(), 0.0);
  EXPECT_EQ(j["average"].get<std::string>(), "min");
}

TEST(AgreementCli, CsvNoAccuracyAndErrors) {
  const auto dir = em_test::temp_dir("agree_cli_err");
  const auto fa = write_labels(dir, "a.txt", {1, 1, 2, 2});
  const auto fb = write_labels(dir, "b.txt", {5, 5, 7, 7});
  const auto fc = write_labels(dir, "c.txt", {1, 2, 3});
  auto res = em_test::run_tool("agree --device cpu " + fa + " " + fb + " --format csv --no-accuracy");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(res.out.rfind("n,clusters_a,clusters_b,ari,ami,", 0), 0u) << res.out;

  res = em_test::run_tool("agree --device cpu " + fa + " " + fc);
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_NE(res.err.find("embed-metrics: error:"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("has 4 labels"), std::string::npos) << res.err;

  res = em_test::run_tool("agree " + fa + " " + fb + " --average mean");
  EXPECT_EQ(res.exit_code, 2);
  res = em_test::run_tool("agree " + fa);
  EXPECT_EQ(res.exit_code, 2);
}
