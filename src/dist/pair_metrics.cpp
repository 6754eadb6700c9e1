// The pair metrics over ranks on the ring of dist/ring.hpp: the exact
// silhouette (per row, the order-free sums of its distances to each
// cluster) and the kNN entropy (per row, its k smallest distances). A pair's
// distance is one symmetric function of the two rows in double, so the
// same pair gives the same value whichever rank measures it.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "dist/exact_sum.hpp"
#include "dist/ring.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics::distributed {
namespace {

double cosine_distance(const float* a, const float* b, std::int64_t d) {
  double ab = 0.0;
  double aa = 0.0;
  double bb = 0.0;
  for (std::int64_t j = 0; j < d; ++j) {
    ab += static_cast<double>(a[j]) * static_cast<double>(b[j]);
    aa += static_cast<double>(a[j]) * static_cast<double>(a[j]);
    bb += static_cast<double>(b[j]) * static_cast<double>(b[j]);
  }
  if (aa == 0.0 || bb == 0.0) return 1.0;
  return std::max(0.0, 1.0 - ab / (std::sqrt(aa) * std::sqrt(bb)));
}

double distance(silhouette_metric m, const float* a, const float* b, std::int64_t d) {
  switch (m) {
    case silhouette_metric::sqeuclidean: return detail::sq_distance(a, b, d);
    case silhouette_metric::cosine: return cosine_distance(a, b, d);
    case silhouette_metric::euclidean: break;
  }
  return std::sqrt(detail::sq_distance(a, b, d));
}

double largest_norm(communicator& comm, matrix_view x) {
  double most = 0.0;
  for (std::int64_t i = 0; i < x.rows; ++i)
    most = std::max(most, std::sqrt(detail::sq_norm(x.row(i), x.cols)));
  return detail::global_max(comm, most);
}

// Inserts v into the ascending list of the k smallest (doubles kept as bits).
void keep_smallest(std::int64_t* list, std::int64_t k, double v) {
  double* l = reinterpret_cast<double*>(list);  // NOLINT: state words hold doubles
  if (!(v < l[k - 1])) return;
  std::int64_t j = k - 1;
  while (j > 0 && l[j - 1] > v) {
    l[j] = l[j - 1];
    --j;
  }
  l[j] = v;
}

}  // namespace

silhouette_result silhouette(const resources& res, matrix_view x, label_view labels,
                             const silhouette_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_ring_input(x, "distributed silhouette");
    EM_EXPECTS(labels.size == x.rows, "distributed silhouette: ", x.rows, " rows but ", labels.size,
               " labels on this rank; give the labels of this rank's rows");
  });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  const std::vector<std::int64_t> values = detail::global_values(*comm, labels.data, labels.size);
  const auto k = static_cast<std::int64_t>(values.size());
  EM_EXPECTS(k >= 2 && k <= layout.total - 1, "distributed silhouette: ", k, " clusters for ",
             layout.total, " rows; the silhouette needs 2 <= k <= n - 1");
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(k), 0);
  detail::ring_block own = detail::block_of_rows(x, layout, 3 * k);
  for (std::int64_t i = 0; i < x.rows; ++i) {
    own.tag[static_cast<std::size_t>(i)] =
        std::lower_bound(values.begin(), values.end(), labels.data[i]) - values.begin();
    ++sizes[static_cast<std::size_t>(own.tag[static_cast<std::size_t>(i)])];
  }
  comm->all_reduce_sum(sizes.data(), sizes.size());
  const double r_max = largest_norm(*comm, x);
  const double bound = params.metric == silhouette_metric::cosine        ? 2.0
                       : params.metric == silhouette_metric::sqeuclidean ? 4.0 * r_max * r_max * 1.01
                                                                        : 2.0 * r_max * 1.01;
  const int q = detail::exact_exponent(bound);
  const std::int64_t d = x.cols;
  const int threads = res.threads();
  // Row i of a gains the distance to every row of b under b's label (and b's
  // rows under a's labels when both): each pair measured once.
  auto measure = [&](detail::ring_block& a, detail::ring_block& b, bool same) {
    // Rows of a in parallel; b's sums are gathered per thread and merged.
    std::vector<std::int64_t> shared(b.state.size(), 0);
#pragma omp parallel num_threads(threads)
    {
      std::vector<std::int64_t> mine(b.state.size(), 0);
#pragma omp for schedule(dynamic, 16) nowait
      for (std::int64_t i = 0; i < a.rows; ++i) {
        const float* xi = a.x.data() + i * d;
        const std::int64_t ci = a.tag[static_cast<std::size_t>(i)];
        for (std::int64_t j = same ? i + 1 : 0; j < b.rows; ++j) {
          std::int64_t l[3];
          detail::exact_limbs(distance(params.metric, xi, b.x.data() + j * d, d), q, l);
          detail::add_limbs(a.state.data() + i * 3 * k + 3 * b.tag[static_cast<std::size_t>(j)], l);
          detail::add_limbs(mine.data() + j * 3 * k + 3 * ci, l);
        }
      }
#pragma omp critical
      for (std::size_t e = 0; e < shared.size(); ++e) shared[e] += mine[e];
    }
    for (std::size_t e = 0; e < shared.size(); ++e) b.state[e] += shared[e];
  };
  detail::run_ring(
      *comm, layout, own, d, 3 * k,
      [](detail::ring_block& b) { std::fill(b.state.begin(), b.state.end(), 0); }, measure,
      [&](std::int64_t* mine, const std::int64_t* back) {
        for (std::int64_t e = 0; e < 3 * k; ++e) mine[e] += back[e];
      });
  silhouette_result r;
  r.n = layout.total;
  r.k = k;
  detail::exact_sums total(1 + static_cast<std::size_t>(k), detail::exact_exponent(1.0));
  if (params.per_sample) r.samples.resize(static_cast<std::size_t>(x.rows));
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const std::int64_t c = own.tag[static_cast<std::size_t>(i)];
    double s = 0.0;
    if (sizes[static_cast<std::size_t>(c)] > 1) {
      const std::int64_t* st = own.state.data() + i * 3 * k;
      const double a = detail::exact_to_double(detail::exact_value(st + 3 * c), q) /
                       static_cast<double>(sizes[static_cast<std::size_t>(c)] - 1);
      double b = std::numeric_limits<double>::infinity();
      for (std::int64_t o = 0; o < k; ++o)
        if (o != c)
          b = std::min(b, detail::exact_to_double(detail::exact_value(st + 3 * o), q) /
                              static_cast<double>(sizes[static_cast<std::size_t>(o)]));
      const double m = std::max(a, b);
      s = m > 0.0 ? (b - a) / m : 0.0;
    }
    if (params.per_sample) r.samples[static_cast<std::size_t>(i)] = s;
    total.add(0, s);
    total.add(1 + static_cast<std::size_t>(c), s);
  }
  total.all_reduce(*comm);
  r.score = total.value(0) / static_cast<double>(layout.total);
  for (std::int64_t c = 0; c < k; ++c)
    r.clusters.push_back({values[static_cast<std::size_t>(c)], sizes[static_cast<std::size_t>(c)],
                          total.value(1 + static_cast<std::size_t>(c)) /
                              static_cast<double>(sizes[static_cast<std::size_t>(c)])});
  return r;
}

knn_entropy_result knn_entropy(const resources& res, matrix_view x, const knn_entropy_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] { detail::check_ring_input(x, "distributed knn_entropy"); });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  const std::int64_t k = params.k;
  EM_EXPECTS(k >= 1 && k <= layout.total - 1, "knn_entropy: k = ", k,
             " needs 1 <= k <= n - 1 with n = ", layout.total, " rows over all ranks");
  const std::int64_t d = x.cols;
  detail::ring_block own = detail::block_of_rows(x, layout, k);
  auto reset = [k](detail::ring_block& b) {
    auto* l = reinterpret_cast<double*>(b.state.data());  // NOLINT
    std::fill(l, l + b.rows * k, std::numeric_limits<double>::infinity());
  };
  reset(own);
  const int threads = res.threads();
  auto measure = [&](detail::ring_block& a, detail::ring_block& b, bool same) {
    detail::offer_distances(
        a, b, same, d, threads,
        [k](detail::ring_block& list, std::int64_t i, const detail::ring_block&, std::int64_t,
            double v) { keep_smallest(list.state.data() + i * k, k, v); });
  };
  detail::run_ring(*comm, layout, own, d, k, reset, measure,
                   [k](std::int64_t* mine, const std::int64_t* back) {
                     const auto* b = reinterpret_cast<const double*>(back);  // NOLINT
                     for (std::int64_t e = 0; e < k; ++e) keep_smallest(mine, k, b[e]);
                   });
  knn_entropy_result r;
  r.unit = params.unit;
  r.n = layout.total;
  r.d = d;
  r.k = k;
  const auto* eps = reinterpret_cast<const double*>(own.state.data());  // NOLINT
  double smallest_positive = std::numeric_limits<double>::infinity();
  std::int64_t zeros = 0;
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const double e = eps[i * k + k - 1];
    if (e > 0.0) smallest_positive = std::min(smallest_positive, e);
    else ++zeros;
  }
  smallest_positive = -detail::global_max(*comm, -smallest_positive);
  r.zero_distance_rows = detail::global_sum(*comm, zeros);
  EM_EXPECTS(std::isfinite(smallest_positive), "knn_entropy: every row has at least k = ", k,
             " exact duplicates, so every k-th neighbour distance is 0 and the estimate does not "
             "exist; remove duplicate rows or use a larger k");
  std::vector<double> logs;
  double most = 0.0;
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const double e = eps[i * k + k - 1];
    logs.push_back(std::log(e > 0.0 ? e : smallest_positive));
    most = std::max(most, std::fabs(logs.back()));
  }
  detail::exact_sums sum_log(1, detail::exact_exponent(detail::global_max(*comm, most)));
  for (const double v : logs) sum_log.add(0, v);
  sum_log.all_reduce(*comm);
  if (r.zero_distance_rows > 0) r.zero_eps_replacement = smallest_positive;
  r.entropy = detail::in_unit(detail::kozachenko_leonenko_nats(layout.total, k, d, sum_log.value(0)),
                              params.unit);
  return r;
}

}  // namespace embed_metrics::distributed
