// The report's other pair metrics on the ring of dist/ring.hpp, each pair
// measured once: uniformity (an order-free sum of exp(-t |z_i - z_j|^2) over
// the pairs this rank measures, all-reduced) and the leave-one-out kNN
// classifier accuracy (per row, its k nearest as (distance, global index,
// label), merged in the order of distance then global index, so the lists
// and the votes do not depend on which rank measured a pair).

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

namespace embed_metrics::distributed {
namespace {

bool before(double da, std::int64_t ia, double db, std::int64_t ib) {
  return da < db || (da == db && ia < ib);
}

// The distance of candidate @p e of a list (3 words each: distance bits,
// global index, label).
double distance_at(const std::int64_t* list, std::int64_t e) {
  double v;
  std::memcpy(&v, list + 3 * e, sizeof v);
  return v;
}

// Inserts (v, index, label) into the ascending list of @p k candidates held
// in @p list.
void keep_nearest(std::int64_t* list, std::int64_t k, double v, std::int64_t index, std::int64_t label) {
  if (!before(v, index, distance_at(list, k - 1), list[3 * (k - 1) + 1])) return;
  std::int64_t j = k - 1;
  while (j > 0 && before(v, index, distance_at(list, j - 1), list[3 * (j - 1) + 1])) {
    std::memcpy(list + 3 * j, list + 3 * (j - 1), 3 * sizeof(std::int64_t));
    --j;
  }
  std::memcpy(list + 3 * j, &v, sizeof v);
  list[3 * j + 1] = index;
  list[3 * j + 2] = label;
}

void reset_lists(detail::ring_block& b, std::int64_t k) {
  const double inf = std::numeric_limits<double>::infinity();
  for (std::int64_t e = 0; e < b.rows * k; ++e) {
    std::memcpy(b.state.data() + 3 * e, &inf, sizeof inf);
    b.state[static_cast<std::size_t>(3 * e + 1)] = std::numeric_limits<std::int64_t>::max();
    b.state[static_cast<std::size_t>(3 * e + 2)] = 0;
  }
}

}  // namespace

uniformity_result uniformity(const resources& res, matrix_view x, const uniformity_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_ring_input(x, "distributed uniformity");
    EM_EXPECTS(std::isfinite(params.t) && params.t > 0.0, "uniformity: t = ", params.t,
               "; the temperature must be positive (the paper uses 2)");
  });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  const std::int64_t n = layout.total;
  const std::int64_t d = x.cols;
  EM_EXPECTS(n >= 2, "uniformity: x has ", n, " rows over all ranks; it needs at least 2 (a pair)");
  detail::ring_block own = detail::block_of_rows(x, layout, 0);
  // The unit rows travel (norm in double, as one process; rounded to float).
  detail::on_every_rank(*comm, [&] {
    for (std::int64_t i = 0; i < x.rows; ++i) {
      float* z = own.x.data() + i * d;
      const double s = detail::sq_norm(z, d);
      EM_EXPECTS(s > 0.0, "uniformity: row ", own.first + i,
                 " of x is all zeros and has no direction; drop it");
      const double inv = 1.0 / std::sqrt(s);
      for (std::int64_t j = 0; j < d; ++j) z[j] = static_cast<float>(z[j] * inv);
    }
  });
  // Every term exp(-t d^2) lies in (0, 1].
  const int q = detail::exact_exponent(1.0);
  detail::exact_sums total(1, q);
  const int threads = res.threads();
  auto measure = [&](const detail::ring_block& a, const detail::ring_block& b, bool same) {
#pragma omp parallel num_threads(threads)
    {
      detail::exact_sums mine(1, q);
#pragma omp for schedule(dynamic, 16) nowait
      for (std::int64_t i = 0; i < a.rows; ++i)
        for (std::int64_t j = same ? i + 1 : 0; j < b.rows; ++j)
          mine.add(0, std::exp(-params.t *
                               detail::sq_distance(a.x.data() + i * d, b.x.data() + j * d, d)));
#pragma omp critical
      total.merge(mine);
    }
  };
  detail::run_ring(
      *comm, layout, own, d, 0, [](detail::ring_block&) {}, measure,
      [](std::int64_t*, const std::int64_t*) {});
  total.all_reduce(*comm);
  uniformity_result r;
  r.n = n;
  r.d = d;
  r.pairs = n * (n - 1) / 2;
  const double sum = total.value(0);
  if (sum == 0.0)
    throw metric_undefined(detail::cat("uniformity: with t = ", params.t,
                                       " every pair's exp(-t d^2) underflows to 0; use a smaller t"));
  r.uniformity = std::log(sum / static_cast<double>(r.pairs));
  return r;
}

double knn_accuracy(const resources& res, matrix_view x, label_view labels, std::int64_t k) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_ring_input(x, "distributed knn_accuracy");
    detail::check_labels(labels, "labels");
    EM_EXPECTS(labels.size == x.rows, "distributed knn_accuracy: ", x.rows, " rows but ", labels.size,
               " labels on this rank; give the labels of this rank's rows");
  });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  EM_EXPECTS(k >= 1 && k <= layout.total - 1, "knn_accuracy: k = ", k, " needs 1 <= k <= n - 1 with n = ",
             layout.total, " rows over all ranks");
  const std::int64_t d = x.cols;
  const std::int64_t width = 3 * k;
  detail::ring_block own = detail::block_of_rows(x, layout, width);
  for (std::int64_t i = 0; i < x.rows; ++i) own.tag[static_cast<std::size_t>(i)] = labels.data[i];
  reset_lists(own, k);
  const int threads = res.threads();
  auto measure = [&](detail::ring_block& a, detail::ring_block& b, bool same) {
    detail::offer_distances(a, b, same, d, threads,
                            [&](detail::ring_block& list, std::int64_t i,
                                const detail::ring_block& other, std::int64_t j, double v) {
                              keep_nearest(list.state.data() + i * width, k, v, other.first + j,
                                           other.tag[static_cast<std::size_t>(j)]);
                            });
  };
  detail::run_ring(
      *comm, layout, own, d, width, [k](detail::ring_block& b) { reset_lists(b, k); }, measure,
      [k](std::int64_t* mine, const std::int64_t* back) {
        for (std::int64_t e = 0; e < k; ++e)
          keep_nearest(mine, k, distance_at(back, e), back[3 * e + 1], back[3 * e + 2]);
      });
  // The vote of one process (knn_accuracy in src/metrics/knn.cpp): scanning
  // from the nearest, the first strict maximum wins.
  std::int64_t correct = 0;
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const std::int64_t* list = own.state.data() + i * width;
    std::int64_t best_label = 0;
    std::int64_t best_votes = 0;
    for (std::int64_t c = 0; c < k; ++c) {
      const std::int64_t lc = list[3 * c + 2];
      std::int64_t v = 0;
      for (std::int64_t e = 0; e < k; ++e) v += list[3 * e + 2] == lc;
      if (v > best_votes) {
        best_votes = v;
        best_label = lc;
      }
    }
    correct += best_label == labels.data[i];
  }
  return static_cast<double>(detail::global_sum(*comm, correct)) / static_cast<double>(layout.total);
}

}  // namespace embed_metrics::distributed
