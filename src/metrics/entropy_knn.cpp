// The Kozachenko-Leonenko kNN entropy, from the exact kNN of embed_metrics/knn.hpp.

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/knn.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics {
knn_entropy_result knn_entropy(const resources& res, matrix_view x, const knn_entropy_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.cols > 0, "knn_entropy: x has no columns");
  EM_EXPECTS(params.k >= 1 && params.k <= x.rows - 1, "knn_entropy: k = ", params.k,
             " needs 1 <= k <= n - 1 with n = ", x.rows, " rows");
  const knn_result nn = knn(res, x, knn_params{params.k, knn_metric::euclidean});
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const std::int64_t k = params.k;

  knn_entropy_result r;
  r.unit = params.unit;
  r.n = n;
  r.d = d;
  r.k = k;
  double smallest_positive = std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < n; ++i) {
    const double e = nn.distance(i, k - 1);
    if (e > 0.0) smallest_positive = std::min(smallest_positive, e);
    else ++r.zero_distance_rows;
  }
  EM_EXPECTS(std::isfinite(smallest_positive), "knn_entropy: every row has at least k = ", k,
             " exact duplicates, so every k-th neighbour distance is 0 and the estimate does not "
             "exist; remove duplicate rows or use a larger k");
  double sum_log = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double e = nn.distance(i, k - 1);
    sum_log += std::log(e > 0.0 ? e : smallest_positive);
  }
  if (r.zero_distance_rows > 0) r.zero_eps_replacement = smallest_positive;
  r.entropy = detail::in_unit(detail::kozachenko_leonenko_nats(n, k, d, sum_log), params.unit);
  return r;
}

}  // namespace embed_metrics
