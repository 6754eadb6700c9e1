// kNN: argument checks, the rows prepared (core/row_prep.hpp: centred and
// scaled by a power of two, or unit rows for cosine) for the candidate
// search, then the distances in the caller's units.

#include "embed_metrics/knn.hpp"

#include <cfloat>
#include <cmath>
#include <vector>

#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/knn.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_silhouette.hpp"  // labels_to_host
#include "backend/cuda_knn.hpp"
#include "backend/cuda_row_prep.hpp"
#endif

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
  if (x.space == memory_space::host) detail::check_finite(x, "x");
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda()) {
    EM_EXPECTS(params.k <= gpu::kMaxKnnK, "knn: k = ", params.k,
               " is above the CUDA backend's limit of ", gpu::kMaxKnnK, "; use CPU resources");
    return;
  }
#endif
  detail::check_host(x, "x", res);
}

#ifdef EMBED_METRICS_HAS_CUDA
// The CUDA backend normalises cosine rows itself; euclidean rows are
// prepared on the device, and the distances it returns scaled back.
knn_result search_cuda(const resources& res, matrix_view x, const knn_params& params) {
  if (params.metric == knn_metric::euclidean) {
    if (const auto frame = gpu::fit_row_frame(res, x)) {
      const gpu::prepared_device_rows px(res, x, *frame);
      knn_result r = gpu::knn(res, px.view(), params.k, params.metric);
      for (float& v : r.distances)
        v = static_cast<float>(std::ldexp(static_cast<double>(v), frame->exponent));
      return r;
    }
  }
  return gpu::knn(res, x, params.k, params.metric);
}
#endif

// Candidates from the GEMM form on the prepared rows; the kept ones are then
// measured in double on the caller's rows, which is exact for any float
// input (no overflow or underflow in double) and already in its units.
knn_result search(const resources& res, matrix_view x, const knn_params& params) {
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda()) return search_cuda(res, x, params);
#endif
  const detail::row_frame frame = detail::fit_row_frame(
      x,
      params.metric == knn_metric::cosine ? detail::row_geometry::cosine
                                          : detail::row_geometry::euclidean,
      detail::zero_row_policy::keep, res.threads());
  const host_matrix px = detail::prepare_rows(x, frame, "x", res.threads());
  const std::int64_t cap = cpu::knn_candidates(params.k, x.rows);
  std::vector<std::int64_t> idx;
  cpu::knn_select(px.view(), cap, params.metric, res.threads(), idx);
  return cpu::knn_refine(x, params.k, cap, params.metric, idx.data(), res.threads());
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
  knn_result r = search(res, x, params);
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
  const knn_params params{k, metric};
  check_inputs(res, x, params);
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda() && labels.space == memory_space::device) {
    const std::vector<std::int64_t> host = gpu::labels_to_host(res, labels);
    return knn_accuracy(search(res, x, params), label_view(host));
  }
#endif
  return knn_accuracy(search(res, x, params), labels);
}

}  // namespace embed_metrics
