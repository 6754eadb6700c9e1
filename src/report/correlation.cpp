#include "embed_metrics/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/check.hpp"
#include "core/philox.hpp"

namespace embed_metrics {
namespace {

void check_pair(const std::vector<double>& x, const std::vector<double>& y, const char* what) {
  EM_EXPECTS(x.size() == y.size(), what, ": the two series have ", x.size(), " and ", y.size(),
             " values; give one value of each per checkpoint");
  EM_EXPECTS(x.size() >= 2, what, ": needs at least 2 values, got ", x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    EM_EXPECTS(std::isfinite(x[i]) && std::isfinite(y[i]), what, ": value ", i,
               " is not finite; drop that checkpoint first");
}

// Average ranks (1-based), ties sharing the mean of their positions.
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t t = i; t <= j; ++t) r[order[t]] = avg;
    i = j + 1;
  }
  return r;
}

bool constant(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [&v](double a) { return a == v.front(); });
}

double pearson_unchecked(const std::vector<double>& x, const std::vector<double>& y) {
  // Tested before the sums: the mean of equal values can miss them by an ulp,
  // which would make a constant series look (barely) variable.
  if (constant(x) || constant(y)) return std::numeric_limits<double>::quiet_NaN();
  const auto n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0.0 || syy == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

int sign(double v) { return (v > 0) - (v < 0); }

double kendall_unchecked(const std::vector<double>& x, const std::vector<double>& y) {
  // tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)), n1/n2 the pairs tied in x/y.
  double concordant_minus_discordant = 0.0, untied_x = 0.0, untied_y = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const int sx = sign(x[i] - x[j]);
      const int sy = sign(y[i] - y[j]);
      concordant_minus_discordant += sx * sy;
      untied_x += sx != 0;
      untied_y += sy != 0;
    }
  if (untied_x == 0.0 || untied_y == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return concordant_minus_discordant / std::sqrt(untied_x * untied_y);
}

__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using): __extension__ needs typedef

// The stream tag of the bootstrap's counters ("btsp"), apart from the other
// users of Philox under the same key.
constexpr std::uint32_t kBootstrapStream = 0x62747370u;

// NumPy's default percentile: linear between the order statistics around
// q (n - 1). Drops the NaNs first; NaN when nothing is left.
interval percentile_interval(std::vector<double> v, double confidence, int& undefined) {
  const auto defined_end = std::remove_if(v.begin(), v.end(), [](double a) { return std::isnan(a); });
  undefined = static_cast<int>(v.end() - defined_end);
  v.erase(defined_end, v.end());
  if (v.empty()) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  std::sort(v.begin(), v.end());
  auto quantile = [&v](double q) {
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return v[lo] + (v[hi] - v[lo]) * frac;
  };
  return {quantile((1.0 - confidence) / 2.0), quantile((1.0 + confidence) / 2.0)};
}

}  // namespace

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "pearson");
  return pearson_unchecked(x, y);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "spearman");
  return pearson_unchecked(ranks(x), ranks(y));
}

double kendall(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "kendall");
  return kendall_unchecked(x, y);
}

correlations correlate(const std::vector<double>& x, const std::vector<double>& y) {
  return {pearson(x, y), spearman(x, y), kendall(x, y)};
}

std::vector<std::size_t> bootstrap_indices(std::size_t n, std::uint32_t resample, std::uint64_t seed) {
  std::vector<std::size_t> idx(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto r = detail::philox4x32_10(
        detail::philox_block{{resample, static_cast<std::uint32_t>(j), kBootstrapStream, 0u}}, seed);
    const std::uint64_t u = (static_cast<std::uint64_t>(r.v[0]) << 32) | r.v[1];
    // The high word of u * n: uniform in [0, n) without a floating-point step.
    idx[j] = static_cast<std::size_t>((static_cast<u128>(u) * n) >> 64);
  }
  return idx;
}

correlation_intervals bootstrap_correlations(const std::vector<double>& x, const std::vector<double>& y,
                                             const bootstrap_params& params) {
  check_pair(x, y, "bootstrap_correlations");
  EM_EXPECTS(params.resamples >= 1, "bootstrap_correlations: resamples must be >= 1, got ",
             params.resamples);
  EM_EXPECTS(params.confidence > 0.0 && params.confidence < 1.0,
             "bootstrap_correlations: confidence must be in (0, 1), got ", params.confidence);
  EM_EXPECTS(x.size() <= 0xFFFFFFFFu, "bootstrap_correlations: at most 2^32 - 1 pairs, got ", x.size());
  const auto reps = static_cast<std::size_t>(params.resamples);
  std::vector<double> p(reps), s(reps), k(reps);
  std::vector<double> bx(x.size()), by(y.size());
  for (std::size_t b = 0; b < reps; ++b) {
    const auto idx = bootstrap_indices(x.size(), static_cast<std::uint32_t>(b), params.seed);
    for (std::size_t j = 0; j < idx.size(); ++j) bx[j] = x[idx[j]], by[j] = y[idx[j]];
    p[b] = pearson_unchecked(bx, by);
    s[b] = pearson_unchecked(ranks(bx), ranks(by));
    k[b] = kendall_unchecked(bx, by);
  }
  correlation_intervals out;
  out.resamples = params.resamples;
  out.pearson = percentile_interval(std::move(p), params.confidence, out.undefined_pearson);
  out.spearman = percentile_interval(std::move(s), params.confidence, out.undefined_spearman);
  out.kendall = percentile_interval(std::move(k), params.confidence, out.undefined_kendall);
  return out;
}

}  // namespace embed_metrics
