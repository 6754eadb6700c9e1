#include "cpu/kmeans_common.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "core/check.hpp"
#include "core/philox.hpp"
#include "cpu/gram.hpp"

namespace embed_metrics::detail {

int kmeans_local_trials(std::int64_t k, int requested) {
  if (requested > 0) return requested;
  return 2 + static_cast<int>(std::floor(std::log(static_cast<double>(k))));
}

namespace {

// The row of n that a uniform draw u in [0, 1) picks.
std::int64_t row_for(double u, std::int64_t n) {
  return std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(u * static_cast<double>(n)));
}

}  // namespace

std::int64_t kmeans_first_center(std::uint64_t seed, std::int64_t n) {
  return row_for(philox_uniform(seed, 0, 0, kStreamFirstCenter), n);
}

std::int64_t kmeans_sample_index(const float* values, std::int64_t n, const double* block_sums,
                                 double target) {
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  double prefix = 0.0;
  for (std::int64_t b = 0; b < blocks; ++b) {
    const double next = prefix + block_sums[b];
    if (next >= target || b == blocks - 1) {
      const std::int64_t r0 = b * kKmeansBlock;
      const std::int64_t r1 = std::min(n, r0 + kKmeansBlock);
      double s = prefix;
      for (std::int64_t i = r0; i < r1; ++i) {
        s += static_cast<double>(values[i]);
        if (s >= target) return i;
      }
      return r1 - 1;  // rounding put the target past the total: clip
    }
    prefix = next;
  }
  return n - 1;
}

std::vector<std::int64_t> kmeans_random_rows(std::uint64_t seed, std::int64_t n, std::int64_t k) {
  std::vector<std::int64_t> rows;
  rows.reserve(static_cast<std::size_t>(k));
  std::unordered_set<std::int64_t> taken;
  std::uint64_t draw = 0;
  while (static_cast<std::int64_t>(rows.size()) < k) {
    const double u = philox_uniform(seed, static_cast<std::uint32_t>(draw),
                                    static_cast<std::uint32_t>(draw >> 32), kStreamRandomInit);
    ++draw;
    const std::int64_t i = row_for(u, n);
    if (taken.insert(i).second) rows.push_back(i);
  }
  return rows;
}

double kmeans_tolerance(matrix_view x, double tol, int threads) {
  if (tol == 0.0 || x.rows == 0) return 0.0;
  std::vector<double> mean;
  std::vector<double> var;
  cpu::column_moments(x, nullptr, kmeans_team(threads, x.rows * x.cols), mean, var);
  for (double& v : var) v /= static_cast<double>(x.rows);
  return std::accumulate(var.begin(), var.end(), 0.0) / static_cast<double>(x.cols) * tol;
}

std::vector<std::int64_t> farthest_rows(const std::vector<double>& dist, std::size_t count) {
  const std::size_t m = std::min(count, dist.size());
  std::vector<std::int64_t> far(dist.size());
  std::iota(far.begin(), far.end(), std::int64_t{0});
  std::partial_sort(far.begin(), far.begin() + static_cast<std::ptrdiff_t>(m), far.end(),
                    [&](std::int64_t a, std::int64_t b) {
                      const double da = dist[static_cast<std::size_t>(a)];
                      const double db = dist[static_cast<std::size_t>(b)];
                      return da > db || (da == db && a < b);
                    });
  far.resize(m);
  return far;
}

}  // namespace embed_metrics::detail
