// kNN: argument checks here, the search on the backend (in the frame of
// core/row_prep.hpp), then the range of the distances in the caller's units.

#include "embed_metrics/knn.hpp"

#include <cfloat>
#include <cmath>
#include <vector>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"

namespace embed_metrics {
namespace {

void check_inputs(const resources& res, matrix_view x, const knn_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.cols > 0, "knn: x has no columns");
  EM_EXPECTS(params.metric != distance_metric::sqeuclidean,
             "knn: metric sqeuclidean is not supported (the neighbours are those of euclidean); use "
             "euclidean or cosine");
  EM_EXPECTS(params.k >= 1, "knn: k = ", params.k, "; it must be at least 1");
  EM_EXPECTS(params.k <= x.rows - 1, "knn: k = ", params.k, " needs at least ", params.k + 1,
             " rows (each row's neighbours are the other rows); x has ", x.rows);
  detail::check_finite(x, "x");  // host views; the CUDA backend checks device views
  const detail::backend& be = detail::backend_for(res);
  EM_EXPECTS(params.k <= be.knn->max_k(), "knn: k = ", params.k, " is above the ", be.name,
             " backend's limit of ", be.knn->max_k(), "; use CPU resources");
  if (!res.is_cuda()) detail::check_host(x, "x", res);
}

// The distances are returned as float32: a distance beyond its range, or
// so small that float32 keeps only a few of its bits (subnormal), is an
// error rather than a silently wrong number (the neighbours themselves do
// not need it: knn_accuracy works on any finite input).
void check_distance_range(const knn_result& r) {
  for (std::size_t e = 0; e < r.distances.size(); ++e) {
    const float v = r.distances[e];
    const auto i = static_cast<std::int64_t>(e) / r.k;
    EM_EXPECTS(std::isfinite(v), "knn: the distance from row ", i,
               " to a neighbour overflows float32 (the values of x are near 3.4e38); rescale x, "
               "for example by a power of two");
    EM_EXPECTS(v == 0.0f || v >= FLT_MIN, "knn: the distance from row ", i, " to a neighbour is ",
               v, ", below float32's normal range (", FLT_MIN,
               ") where it keeps only a few significant bits; rescale x, for example multiply it "
               "by 2^64");
  }
}

}  // namespace

knn_result knn(const resources& res, matrix_view x, const knn_params& params) {
  check_inputs(res, x, params);
  knn_result r = detail::backend_for(res).knn->search(res, x, params.k, params.metric);
  check_distance_range(r);
  return r;
}

double knn_accuracy(const knn_result& neighbours, label_view labels) {
  detail::check_labels(labels, "labels");
  EM_EXPECTS(labels.space == memory_space::host, "knn_accuracy: labels must be in host memory");
  EM_EXPECTS(labels.size == neighbours.n, "knn_accuracy: labels has ", labels.size,
             " entries, the neighbour lists ", neighbours.n, " rows");
  const std::int64_t n = neighbours.n;
  const std::int64_t k = neighbours.k;
  if (n == 0) return 0.0;
  std::int64_t correct = 0;
#pragma omp parallel for reduction(+ : correct) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      // v = how many of the k neighbours share the label of neighbour c.
      // Scanning from the nearest, the first strict maximum wins, so a tie
      // goes to the class whose member is nearest.
      std::int64_t best_label = 0;
      std::int64_t best_votes = 0;
      for (std::int64_t c = 0; c < k; ++c) {
        const std::int64_t lc = labels.data[neighbours.index(i, c)];
        std::int64_t v = 0;
        for (std::int64_t e = 0; e < k; ++e) v += labels.data[neighbours.index(i, e)] == lc;
        if (v > best_votes) {
          best_votes = v;
          best_label = lc;
        }
      }
      correct += best_label == labels.data[i];
    }
  return static_cast<double>(correct) / static_cast<double>(n);
}

double knn_accuracy(const resources& res, matrix_view x, label_view labels, std::int64_t k,
                    knn_metric metric) {
  detail::check_matrix(x, "x");
  detail::check_labels(labels, "labels");
  detail::check_same_rows(x, labels, "x", "labels");
  check_inputs(res, x, knn_params{k, metric});
  const detail::backend& be = detail::backend_for(res);
  std::vector<std::int64_t> host;
  if (res.is_cuda() && labels.space == memory_space::device) {
    host = be.rows->labels_on_host(res, labels, "labels");
    labels = label_view(host);
  }
  return knn_accuracy(be.knn->search(res, x, k, metric), labels);
}

}  // namespace embed_metrics
