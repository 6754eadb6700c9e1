// The CUDA backend as a module loaded on first use: CPU work never maps the
// CUDA libraries, the tool runs on the CPU where the module or the CUDA
// libraries are missing, and a CUDA device asked for gets an error that says
// what was tried. Each case runs the tool in a child process with its own
// environment; LD_DEBUG=files makes the dynamic loader list every object the
// process opens, so "never maps cuBLAS" is read from the loader itself.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/test_util.hpp"
#include "embed_metrics/resources.hpp"

namespace {

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string tool_path() {
  const char* env = std::getenv("EM_TOOL_PATH");
  return env ? env : EM_TOOL_PATH;
}

// The tool with @p args, under `env` with the assignments @p env_vars.
run_result run_with_env(const std::string& env_vars, const std::string& args) {
  const auto dir = em_test::temp_dir("module");
  const auto out = dir / "out.txt";
  const auto err = dir / "err.txt";
  const std::string cmd = "env " + env_vars + " '" + tool_path() + "' " + args + " >'" +
                          out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string demo_file() { return std::string(EM_SOURCE_DIR) + "/data/demo/simclr/epoch_000.npy"; }

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Objects the dynamic loader opened (LD_DEBUG=files prints "file=NAME [0];  needed by ...").
bool opened(const std::string& ld_debug, const std::string& name) {
  return contains(ld_debug, "file=" + name);
}

class CudaModule : public ::testing::Test {
 protected:
  void SetUp() override {
    if (tool_path().empty()) GTEST_SKIP() << "the embed-metrics tool is not built";
  }
};

TEST_F(CudaModule, CpuWorkNeverMapsTheCudaLibraries) {
  const std::string kmeans = "kmeans --k 3 --seed 1 '" + demo_file() + "'";
  for (const std::string& args : {std::string("--version"), "--device cpu " + kmeans}) {
    const run_result r = run_with_env("LD_DEBUG=files", args);
    ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    // The loader's trace is there (the check can see what is mapped) ...
    ASSERT_TRUE(opened(r.err, "libembed_metrics.so")) << args << "\n" << r.err;
    // ... and names no CUDA library nor the module.
    for (const char* lib : {"libcublas", "libcublasLt", "libcudart", "libembed_metrics_cuda"})
      EXPECT_FALSE(opened(r.err, lib)) << args << " opened " << lib;
  }
}

TEST_F(CudaModule, AutoWithoutADeviceNeverLoadsTheModule) {
  if (embed_metrics::cuda_device_count() > 0) GTEST_SKIP() << "a GPU is present: auto takes it";
  const run_result r =
      run_with_env("LD_DEBUG=files", "kmeans --device auto --k 3 '" + demo_file() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(opened(r.err, "libembed_metrics.so")) << r.err;
  EXPECT_FALSE(opened(r.err, "libembed_metrics_cuda")) << r.err;
  EXPECT_FALSE(opened(r.err, "libcublas")) << r.err;
}

// A machine without the module or the CUDA libraries: the override points
// nowhere (it replaces the search, so the module beside the library is not
// found either) and the library path has no CUDA in it.
TEST_F(CudaModule, WithoutTheModuleAutoRunsOnTheCpuAndCudaSaysWhatWasTried) {
  const auto nowhere = em_test::temp_dir("no_module") / "libembed_metrics_cuda.so";
  const std::string env = "EMBED_METRICS_CUDA_MODULE='" + nowhere.string() + "' LD_LIBRARY_PATH=";
  const std::string kmeans = "kmeans --k 3 --seed 1 --format json '" + demo_file() + "'";

  const run_result cpu = run_with_env("", "--device cpu " + kmeans);
  ASSERT_EQ(cpu.exit_code, 0) << cpu.err;
  const run_result automatic = run_with_env(env, "--device auto " + kmeans);
  ASSERT_EQ(automatic.exit_code, 0) << automatic.err;
  if (embed_metrics::cuda_device_count() == 0) {
    // The same result, bit for bit (the time taken aside).
    auto a = nlohmann::json::parse(automatic.out);
    auto c = nlohmann::json::parse(cpu.out);
    a.erase("seconds");
    c.erase("seconds");
    EXPECT_EQ(a, c);
  }

  const run_result cuda = run_with_env(env, "--device cuda " + kmeans);
  EXPECT_EQ(cuda.exit_code, 1) << cuda.err;
  EXPECT_TRUE(contains(cuda.err, "device 'cuda'")) << cuda.err;
  EXPECT_TRUE(contains(cuda.err, "could not be loaded")) << cuda.err;
  EXPECT_TRUE(contains(cuda.err, nowhere.string())) << cuda.err;
  EXPECT_TRUE(contains(cuda.err, "EMBED_METRICS_CUDA_MODULE")) << cuda.err;
  EXPECT_TRUE(contains(cuda.err, "--device cpu")) << cuda.err;
}

TEST_F(CudaModule, AModuleOfAnotherBuildIsRefusedByItsAbiVersion) {
  const std::string stale = EM_STALE_MODULE_PATH;
  const run_result r = run_with_env("EMBED_METRICS_CUDA_MODULE='" + stale + "'",
                                    "kmeans --device cuda --k 3 '" + demo_file() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "built for backend ABI 0")) << r.err;
  EXPECT_TRUE(contains(r.err, stale)) << r.err;
}

TEST_F(CudaModule, ALibraryWithoutTheEntryIsRefused) {
  // Any shared object that is not the module: the tool's own library.
  const std::string other = std::string(EM_LIBRARY_DIR) + "/libembed_metrics.so";
  const run_result r = run_with_env("EMBED_METRICS_CUDA_MODULE='" + other + "'",
                                    "kmeans --device cuda --k 3 '" + demo_file() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "has no embed_metrics_cuda_backend entry")) << r.err;
}

// The module of a CUDA build, found beside libembed_metrics.so and through
// the override: it loads (the CUDA runtime and cuBLAS come with it, and only
// then) and, on a machine without a GPU, says so.
TEST_F(CudaModule, TheBuiltModuleLoadsAndSaysWhetherThereIsADevice) {
  const std::string module = EM_CUDA_MODULE_PATH;
  if (module.empty()) GTEST_SKIP() << "a CPU-only build: there is no module to load";
  if (embed_metrics::cuda_device_count() > 0)
    GTEST_SKIP() << "a GPU is present: the CUDA tests run through the module";
  const std::string kmeans = "kmeans --device cuda --k 3 '" + demo_file() + "'";
  for (const std::string& env : {std::string("LD_DEBUG=files"),
                                 "LD_DEBUG=files EMBED_METRICS_CUDA_MODULE='" + module + "'"}) {
    const run_result r = run_with_env(env, kmeans);
    EXPECT_EQ(r.exit_code, 1) << env << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, "the CUDA backend is loaded, but no CUDA device is usable"))
        << env << "\n"
        << r.err;
    EXPECT_TRUE(opened(r.err, module)) << env << "\n" << r.err;
    EXPECT_TRUE(opened(r.err, "libcublas")) << env;
  }
  const run_result devices = run_with_env("", "devices");
  EXPECT_EQ(devices.exit_code, 0) << devices.err;
  EXPECT_TRUE(contains(devices.out, "cuda_compiled          true")) << devices.out;
}

}  // namespace
