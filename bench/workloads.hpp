#pragma once
// The standard workloads W0-W3 (shared benchmark definitions): Gaussian
// mixtures with overlapping clusters, centers N(0, I), noise sigma 1.5,
// float32, generated from a fixed seed, labels = mixture component.

#include <cstdint>
#include <string>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace em_bench {

struct workload {
  std::string name;
  std::int64_t n, d, k;
};

inline const workload kW0{"W0", 2000, 64, 10};
inline const workload kW1{"W1", 10000, 512, 10};
inline const workload kW2{"W2", 50000, 2048, 1000};
inline const workload kW3{"W3", 1000000, 256, 1000};

struct dataset {
  embed_metrics::host_matrix x;
  std::vector<std::int64_t> labels;
};

/// The workload's data (cached: generated once per process).
const dataset& data_for(const workload& w);

}  // namespace em_bench
