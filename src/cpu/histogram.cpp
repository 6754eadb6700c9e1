#include "cpu/histogram.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/check.hpp"
#include "core/memory.hpp"

namespace embed_metrics::cpu {
namespace {

// Upper bound on Freedman-Diaconis bins, so that a long tail with a tiny IQR
// cannot ask for an unbounded histogram.
constexpr std::int64_t kMaxBins = std::int64_t{1} << 20;

// Percentile q in [0, 1] of sorted values with linear interpolation (numpy's default).
double percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = pos - static_cast<double>(lo);
  return sorted[lo] + t * (sorted[hi] - sorted[lo]);
}

std::int64_t fd_bins(std::vector<double>& col, double lo, double hi) {
  std::sort(col.begin(), col.end());
  const double iqr = percentile(col, 0.75) - percentile(col, 0.25);
  const double width = 2.0 * iqr * std::pow(static_cast<double>(col.size()), -1.0 / 3.0);
  if (!(width > 0.0)) return 1;
  const double b = std::ceil((hi - lo) / width);
  return b >= static_cast<double>(kMaxBins) ? kMaxBins : std::max<std::int64_t>(1, static_cast<std::int64_t>(b));
}

}  // namespace

histogram_entropy_result histogram_entropy(matrix_view x, const histogram_params& p, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  histogram_entropy_result r;
  r.unit = entropy_unit::nats;
  r.per_dimension.assign(static_cast<std::size_t>(d), 0.0);
  r.per_dimension_differential.assign(static_cast<std::size_t>(d),
                                      std::numeric_limits<double>::quiet_NaN());
  r.bins.assign(static_cast<std::size_t>(d), 1);
  const double nd = static_cast<double>(n);

  // Each thread's buffers are allocated before the region: an allocation
  // failure inside it could not leave it (std::terminate).
  threads = std::max(1, threads);
  std::vector<std::vector<double>> cols(static_cast<std::size_t>(threads));
  std::vector<std::vector<std::int64_t>> counts_of(static_cast<std::size_t>(threads));
  const std::int64_t most_bins = p.rule == bin_rule::fixed ? p.bins : kMaxBins;
  const auto team = static_cast<std::uint64_t>(threads);
  const std::uint64_t bytes = detail::add_bytes(
      detail::bytes_for(detail::bytes_for(team, static_cast<std::uint64_t>(n)), sizeof(double)),
      detail::bytes_for(detail::bytes_for(team, static_cast<std::uint64_t>(most_bins)),
                        sizeof(std::int64_t)));
  detail::allocating(bytes, detail::cat("the histograms of ", threads, " thread(s) (", most_bins, " bins)"), [&] {
    for (int t = 0; t < threads; ++t) {
      cols[static_cast<std::size_t>(t)].resize(static_cast<std::size_t>(n));
      counts_of[static_cast<std::size_t>(t)].reserve(static_cast<std::size_t>(most_bins));
    }
  });
#pragma omp parallel num_threads(threads)
  {
    std::vector<double>& col = cols[static_cast<std::size_t>(omp_get_thread_num())];
    std::vector<std::int64_t>& counts = counts_of[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t j = 0; j < d; ++j) {
      double lo = std::numeric_limits<double>::infinity();
      double hi = -lo;
      for (std::int64_t i = 0; i < n; ++i) {
        const double v = x.row(i)[j];
        col[static_cast<std::size_t>(i)] = v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      const std::int64_t bins = p.rule == bin_rule::fixed ? p.bins : fd_bins(col, lo, hi);
      r.bins[static_cast<std::size_t>(j)] = bins;
      if (!(hi > lo)) continue;  // constant: one occupied bin, entropy 0, no width
      counts.assign(static_cast<std::size_t>(bins), 0);
      // numpy.histogram: index floor((v - lo) * bins / (hi - lo)), the maximum
      // in the last bin, then corrected against the edges lo + i * step.
      const double norm = static_cast<double>(bins) / (hi - lo);
      const double step = (hi - lo) / static_cast<double>(bins);
      auto edge = [&](std::int64_t b) { return b == bins ? hi : static_cast<double>(b) * step + lo; };
      for (std::int64_t i = 0; i < n; ++i) {
        const double v = x.row(i)[j];
        auto b = static_cast<std::int64_t>((v - lo) * norm);
        b = std::clamp<std::int64_t>(b, 0, bins - 1);
        if (v < edge(b) && b > 0) --b;
        else if (v >= edge(b + 1) && b != bins - 1) ++b;
        ++counts[static_cast<std::size_t>(b)];
      }
      double h = 0.0;
      std::int64_t occupied = 0;
      for (const std::int64_t c : counts) {
        if (c == 0) continue;
        ++occupied;
        const double q = static_cast<double>(c) / nd;
        h -= q * std::log(q);
      }
      if (p.miller_madow) h += static_cast<double>(occupied - 1) / (2.0 * nd);
      r.per_dimension[static_cast<std::size_t>(j)] = h;
      r.per_dimension_differential[static_cast<std::size_t>(j)] = h + std::log(step);
    }
  }

  double sum_diff = 0.0;
  for (const double dv : r.per_dimension_differential) {
    if (std::isnan(dv)) ++r.constant_dimensions;
    else sum_diff += dv;
  }
  r.entropy =
      std::accumulate(r.per_dimension.begin(), r.per_dimension.end(), 0.0) / static_cast<double>(d);
  if (r.constant_dimensions < d)
    r.differential_entropy = sum_diff / static_cast<double>(d - r.constant_dimensions);
  return r;
}

}  // namespace embed_metrics::cpu
