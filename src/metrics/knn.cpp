#include "embed_metrics/knn.hpp"

#include <vector>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/knn.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_silhouette.hpp"  // labels_to_host
#include "backend/cuda_knn.hpp"
#endif

namespace embed_metrics {

knn_result knn(const resources& res, matrix_view x, const knn_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.cols > 0, "knn: x has no columns");
  EM_EXPECTS(params.k >= 1, "knn: k = ", params.k, "; it must be at least 1");
  EM_EXPECTS(params.k <= x.rows - 1, "knn: k = ", params.k, " needs at least ", params.k + 1,
             " rows (each row's neighbours are the other rows); x has ", x.rows);
  if (x.space == memory_space::host) detail::check_finite(x, "x");
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    EM_EXPECTS(params.k <= gpu::kMaxKnnK, "knn: k = ", params.k,
               " is above the CUDA backend's limit of ", gpu::kMaxKnnK, "; use CPU resources");
    return gpu::knn(res, x, params.k, params.metric);
#endif
  }
  detail::check_host(x, "x", res);
  const std::int64_t cap = cpu::knn_candidates(params.k, x.rows);
  std::vector<std::int64_t> idx;
  cpu::knn_select(x, cap, params.metric, res.threads(), idx);
  return cpu::knn_refine(x, params.k, cap, params.metric, idx.data(), res.threads());
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
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda() && labels.space == memory_space::device) {
    const std::vector<std::int64_t> host = gpu::labels_to_host(res, labels);
    return knn_accuracy(knn(res, x, knn_params{k, metric}), label_view(host));
  }
#endif
  return knn_accuracy(knn(res, x, knn_params{k, metric}), labels);
}

}  // namespace embed_metrics
