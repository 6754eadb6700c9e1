#include "workloads.hpp"

#include <map>
#include <random>

namespace em_bench {

const dataset& data_for(const workload& w) {
  static std::map<std::string, dataset> cache;
  auto it = cache.find(w.name);
  if (it != cache.end()) return it->second;
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
  return cache.emplace(w.name, std::move(ds)).first->second;
}

}  // namespace em_bench
