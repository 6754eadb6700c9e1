#include "common/test_util.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace em_test {

std::uint64_t test_seed(std::uint64_t fallback) {
  std::uint64_t seed = fallback;
  if (const char* env = std::getenv("EM_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::printf("[ seed     ] EM_TEST_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

embed_metrics::host_matrix random_normal(std::int64_t n, std::int64_t d, std::uint64_t seed) {
  embed_metrics::host_matrix m(n, d);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  for (std::int64_t i = 0; i < n * d; ++i) m.data()[i] = nd(rng);
  return m;
}

blobs make_blobs(std::int64_t n, std::int64_t d, std::int64_t k, double spread, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::uniform_int_distribution<std::int64_t> pick(0, k - 1);
  std::vector<double> centers(static_cast<std::size_t>(k * d));
  for (auto& c : centers) c = nd(rng) * spread;
  blobs b{embed_metrics::host_matrix(n, d), std::vector<std::int64_t>(static_cast<std::size_t>(n))};
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t c = i < k ? i : pick(rng);  // every component is used
    b.labels[static_cast<std::size_t>(i)] = c;
    for (std::int64_t j = 0; j < d; ++j)
      b.x(i, j) = static_cast<float>(centers[static_cast<std::size_t>(c * d + j)] + nd(rng));
  }
  return b;
}

std::vector<std::int64_t> random_labels(std::int64_t n, std::int64_t k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> pick(0, k - 1);
  std::vector<std::int64_t> out(static_cast<std::size_t>(n));
  for (auto& v : out) v = pick(rng);
  return out;
}

nlohmann::json load_golden(const std::string& name) {
  // EM_GOLDEN_DIR in the environment wins (a build carried to another machine).
  const char* env = std::getenv("EM_GOLDEN_DIR");
  const std::string path = std::string(env ? env : EM_GOLDEN_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing golden file " + path + " (see tests/golden/README.md)");
  return nlohmann::json::parse(in);
}

embed_metrics::host_matrix matrix_from_json(const nlohmann::json& rows) {
  const auto n = static_cast<std::int64_t>(rows.size());
  const auto d = n ? static_cast<std::int64_t>(rows[0].size()) : 0;
  embed_metrics::host_matrix m(n, d);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j) m(i, j) = rows[i][j].get<float>();
  return m;
}

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

tool_result run_tool(const std::string& args) {
  const char* env = std::getenv("EM_TOOL_PATH");
  const std::string tool = env ? env : EM_TOOL_PATH;
  if (tool.empty()) throw std::runtime_error("the embed-metrics tool is not built");
  const auto dir = temp_dir("tool");
  const auto out = dir / "out.txt";
  const auto err = dir / "err.txt";
  const std::string cmd =
      "'" + tool + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  tool_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::filesystem::path temp_dir(const std::string& tag) {
  static const auto root = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "em_test_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    struct cleanup {
      std::filesystem::path p;
      ~cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
      }
    };
    static cleanup c{tmpl};
    return std::filesystem::path(tmpl);
  }();
  static int counter = 0;
  auto dir = root / (tag + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir;
}

bool have_gpu(std::string* why) {
  if (!embed_metrics::cuda_compiled()) {
    *why = "this build has no CUDA backend";
    return false;
  }
  if (embed_metrics::cuda_device_count() == 0) {
    *why = "no usable CUDA device on this machine (compiled, not run)";
    return false;
  }
  return true;
}

}  // namespace em_test
