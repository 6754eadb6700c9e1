#include "embed_metrics/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/check.hpp"

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

double pearson_unchecked(const std::vector<double>& x, const std::vector<double>& y) {
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

correlations correlate(const std::vector<double>& x, const std::vector<double>& y) {
  return {pearson(x, y), spearman(x, y), kendall(x, y)};
}

}  // namespace embed_metrics
