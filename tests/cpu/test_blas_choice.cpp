// Which BLAS the CPU backend runs (cpu/blas.cpp): the system OpenBLAS where it
// chose a kernel for this CPU, a newer OpenBLAS found at build time where the
// system one runs generic kernels. What these tests assert holds on any
// x86-64 CPU: the rule, the overrides, and that both libraries give the same
// answer; never which kernel a CPU gets.
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/test_util.hpp"
#include "cpu/blas.hpp"

namespace cpu = embed_metrics::cpu;
using nlohmann::json;

namespace {

// `devices --format json` with one environment variable set (unset after).
json devices_with(const char* name, const char* value) {
  ::setenv(name, value, 1);
  const auto r = em_test::run_tool("devices --device cpu --format json");
  ::unsetenv(name);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

bool is_newer(const json& d) { return d["blas"].get<std::string>().rfind("scipy-openblas32", 0) == 0; }

}  // namespace

TEST(BlasChoice, TheSystemOneIsKeptWhereItChoseAKernelForThisCpu) {
  const auto info = cpu::blas_in_use();
  EXPECT_FALSE(info.choice.empty());
  if (info.library == "system OpenBLAS" && std::getenv("EMBED_METRICS_BLAS") == nullptr &&
      info.choice.find("generic") == std::string::npos) {
    // Kept because its kernel is not a generic one that this CPU could beat.
    EXPECT_EQ(cpu::kernel_for_cpu_features(info.kernel), "") << info.kernel << ": " << info.choice;
  }
  if (info.library.rfind("scipy-openblas32", 0) == 0 && info.choice.find("generic") != std::string::npos) {
    // Switched: the newer one must have chosen a kernel of its own.
    EXPECT_EQ(cpu::kernel_for_cpu_features(info.kernel), "") << info.kernel;
  }
}

TEST(BlasChoice, EmbedMetricsBlasSystemKeepsTheLinkedOne) {
  const json d = devices_with("EMBED_METRICS_BLAS", "system");
  if (d["blas"].get<std::string>().rfind("scipy-openblas32 (PyPI), linked", 0) == 0)
    GTEST_SKIP() << "built with EMBED_METRICS_BLAS=scipy-openblas: nothing is chosen at run time";
  EXPECT_EQ(d["blas"], "system OpenBLAS");
  EXPECT_EQ(d["blas_choice"], "EMBED_METRICS_BLAS=system");
}

TEST(BlasChoice, AMissingNewerLibraryIsSaidAndTheSystemOneRuns) {
  ::setenv("EMBED_METRICS_NEWER_OPENBLAS", "/nonexistent/libscipy_openblas.so", 1);
  const json d = devices_with("EMBED_METRICS_BLAS", "newer");
  ::unsetenv("EMBED_METRICS_NEWER_OPENBLAS");
  if (d["blas"].get<std::string>().rfind("scipy-openblas32 (PyPI), linked", 0) == 0)
    GTEST_SKIP() << "built with EMBED_METRICS_BLAS=scipy-openblas";
  EXPECT_EQ(d["blas"], "system OpenBLAS");
  EXPECT_NE(d["blas_choice"].get<std::string>().find("did not open"), std::string::npos) << d["blas_choice"];
}

TEST(BlasChoice, TheNewerLibraryGivesTheSameSilhouette) {
  if (!is_newer(devices_with("EMBED_METRICS_BLAS", "newer")))
    GTEST_SKIP() << "no newer OpenBLAS found at build time (scripts/setup-deps installs it)";
  const auto b = em_test::make_blobs(600, 24, 4, 1.0, em_test::test_seed(1603));
  const auto dir = em_test::temp_dir("blas_choice");
  const auto xf = (dir / "x.csv").string();
  const auto lf = (dir / "l.txt").string();
  {
    std::ofstream x(xf);
    x.precision(9);
    for (std::int64_t i = 0; i < b.x.rows(); ++i)
      for (std::int64_t j = 0; j < b.x.cols(); ++j) x << b.x(i, j) << (j + 1 < b.x.cols() ? "," : "\n");
    std::ofstream l(lf);
    for (auto v : b.labels) l << v << "\n";
  }
  double score[2] = {};
  const char* modes[2] = {"system", "newer"};
  for (int m = 0; m < 2; ++m) {
    ::setenv("EMBED_METRICS_BLAS", modes[m], 1);
    const auto r = em_test::run_tool("silhouette --device cpu '" + xf + "' '" + lf + "' --format json");
    ::unsetenv("EMBED_METRICS_BLAS");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    score[m] = json::parse(r.out)["silhouette"].get<double>();
  }
  // Two kernel sets round the GEMM differently: equal to float precision.
  EXPECT_NEAR(score[0], score[1], 1e-6);
  EXPECT_GT(score[0], 0.0);
}
