#include "metrics/silhouette_plan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/check.hpp"

namespace embed_metrics::detail {

silhouette_plan make_silhouette_plan(const std::int64_t* labels, std::int64_t n,
                                     const std::vector<std::int64_t>& rows) {
  silhouette_plan p;
  p.n = n;
  p.values.assign(labels, labels + n);
  std::sort(p.values.begin(), p.values.end());
  p.values.erase(std::unique(p.values.begin(), p.values.end()), p.values.end());
  p.k = static_cast<std::int64_t>(p.values.size());
  EM_EXPECTS(p.k >= 2 && p.k <= n - 1, "silhouette: the labels hold ", p.k,
             " distinct value(s) for ", n, " points; the silhouette needs between 2 and n - 1 = ",
             n - 1, " clusters");
  EM_EXPECTS(p.k <= INT32_MAX, "silhouette: ", p.k, " clusters is more than supported (2^31 - 1)");

  // Cluster of each input label, then a stable counting sort by cluster.
  std::vector<std::int32_t> of(static_cast<std::size_t>(n));
  p.start.assign(static_cast<std::size_t>(p.k) + 1, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto c = std::lower_bound(p.values.begin(), p.values.end(), labels[i]) - p.values.begin();
    of[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(c);
    ++p.start[static_cast<std::size_t>(c) + 1];
  }
  std::partial_sum(p.start.begin(), p.start.end(), p.start.begin());
  std::vector<std::int64_t> next(p.start.begin(), p.start.end() - 1);
  p.cluster.resize(static_cast<std::size_t>(n));
  p.source_row.resize(static_cast<std::size_t>(n));
  p.out_slot.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int32_t c = of[static_cast<std::size_t>(i)];
    const auto pos = static_cast<std::size_t>(next[static_cast<std::size_t>(c)]++);
    p.cluster[pos] = c;
    p.out_slot[pos] = i;
    p.source_row[pos] = rows.empty() ? i : rows[static_cast<std::size_t>(i)];
  }
  return p;
}

silhouette_result finish_silhouette(const silhouette_plan& plan, const std::vector<double>& a,
                                    const std::vector<double>& b, bool per_sample) {
  silhouette_result r;
  r.n = plan.n;
  r.k = plan.k;
  std::vector<double> s(static_cast<std::size_t>(plan.n));
  std::vector<double> cluster_sum(static_cast<std::size_t>(plan.k), 0.0);
  for (std::int64_t p = 0; p < plan.n; ++p) {
    const auto ps = static_cast<std::size_t>(p);
    const std::int64_t size = plan.size_of(plan.cluster[ps]);
    double v = 0.0;
    if (size > 1) {
      const double m = std::max(a[ps], b[ps]);
      v = m > 0.0 ? (b[ps] - a[ps]) / m : 0.0;
    }
    s[static_cast<std::size_t>(plan.out_slot[ps])] = v;
    cluster_sum[static_cast<std::size_t>(plan.cluster[ps])] += v;
  }
  r.clusters.resize(static_cast<std::size_t>(plan.k));
  for (std::int64_t c = 0; c < plan.k; ++c) {
    auto& out = r.clusters[static_cast<std::size_t>(c)];
    out.label = plan.values[static_cast<std::size_t>(c)];
    out.size = plan.size_of(c);
    out.mean = cluster_sum[static_cast<std::size_t>(c)] / static_cast<double>(out.size);
  }
  r.score = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(plan.n);
  if (per_sample) r.samples = std::move(s);
  return r;
}

}  // namespace embed_metrics::detail
