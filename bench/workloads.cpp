#include "workloads.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <stdexcept>

#include "embed_metrics/io.hpp"

namespace em_bench {
namespace {

// EM_BENCH_DATA names a folder holding <W>_x.npy and <W>_labels.npy (as
// written by bench/compare.py), so that the project and the anchors it is
// compared with time the very same data; unset, each workload is generated.
const char* data_folder() {
  const char* dir = std::getenv("EM_BENCH_DATA");
  return (dir != nullptr && *dir != '\0') ? dir : nullptr;
}

[[maybe_unused]] const bool kContextAdded = [] {
  const char* dir = data_folder();
  benchmark::AddCustomContext("workload_data",
                              dir != nullptr ? std::string("files in ") + dir : std::string("generated"));
  return true;
}();

dataset generate(const workload& w) {
  std::mt19937_64 rng(0);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::uniform_int_distribution<std::int64_t> pick(0, w.k - 1);
  std::vector<float> centers(static_cast<std::size_t>(w.k * w.d));
  for (auto& c : centers) c = nd(rng);
  dataset ds{embed_metrics::host_matrix(w.n, w.d), std::vector<std::int64_t>(static_cast<std::size_t>(w.n))};
  for (std::int64_t i = 0; i < w.n; ++i) {
    const std::int64_t c = pick(rng);
    ds.labels[static_cast<std::size_t>(i)] = c;
    float* row = ds.x.data() + i * w.d;
    const float* ctr = centers.data() + c * w.d;
    for (std::int64_t j = 0; j < w.d; ++j) row[j] = ctr[j] + 1.5f * nd(rng);
  }
  return ds;
}

// The workload's files, or nothing when the folder lacks them.
bool load(const workload& w, const std::filesystem::path& dir, dataset& out) {
  const auto x_path = dir / (w.name + "_x.npy");
  const auto labels_path = dir / (w.name + "_labels.npy");
  if (!std::filesystem::exists(x_path) || !std::filesystem::exists(labels_path)) return false;
  auto x = embed_metrics::load_embeddings(x_path.string());
  auto labels = embed_metrics::load_labels(labels_path.string());
  const auto& m = x.matrix;
  if (m.rows() != w.n || m.cols() != w.d || static_cast<std::int64_t>(labels.size()) != w.n) {
    throw std::runtime_error(x_path.string() + " holds " + std::to_string(m.rows()) + " x " +
                             std::to_string(m.cols()) + " with " + std::to_string(labels.size()) +
                             " labels; " + w.name + " is " + std::to_string(w.n) + " x " +
                             std::to_string(w.d) + ": regenerate the folder");
  }
  out = dataset{std::move(x.matrix), std::move(labels)};
  return true;
}

}  // namespace

const dataset& data_for(const workload& w) {
  static std::map<std::string, dataset> cache;
  auto it = cache.find(w.name);
  if (it != cache.end()) return it->second;
  dataset ds;
  const char* dir = data_folder();
  if (dir == nullptr || !load(w, dir, ds)) {
    if (dir != nullptr) std::cerr << "em_bench: " << dir << " has no " << w.name << "_x.npy: generating " << w.name << "\n";
    ds = generate(w);
  }
  return cache.emplace(w.name, std::move(ds)).first->second;
}

}  // namespace em_bench
