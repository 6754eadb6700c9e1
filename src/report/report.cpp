// The label-free report: composes k-means (one batched call for C1 and C2),
// silhouette, agreement, entropy, spectrum and, with labels, the label-based
// checks. Works on host or device embeddings; device data is never copied to
// the host (only labels and small results are).

#include "embed_metrics/report.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/silhouette.hpp"
#include "report/covariance_spectrum.hpp"

namespace embed_metrics {
namespace {

// The embeddings the report works on: the input, or its L2-normalised copy
// (in the memory of the resources' backend; an all-zero row is an error).
class working_matrix {
 public:
  working_matrix(const resources& res, matrix_view x, bool normalize) : view_(x) {
    if (!normalize) return;
    rows_ = detail::backend_for(res).rows->prepare(res, x, detail::row_geometry::cosine,
                                                   detail::zero_row_policy::reject, "embeddings");
    view_ = rows_.view;
  }
  [[nodiscard]] matrix_view view() const { return view_; }

 private:
  matrix_view view_;
  detail::prepared_rows rows_;
};

std::int64_t distinct_labels(const resources& res, label_view labels) {
  return static_cast<std::int64_t>(contingency(res, labels, labels).sizes_a.size());
}

}  // namespace

report_result evaluate(const resources& res, matrix_view embeddings, label_view labels,
                       const report_params& params) {
  const auto start = std::chrono::steady_clock::now();
  detail::check_matrix(embeddings, "embeddings");
  detail::check_labels(labels, "labels");
  EM_EXPECTS(embeddings.rows >= 3, "embeddings has ", embeddings.rows,
             " rows; the report needs at least 3 points");
  EM_EXPECTS(embeddings.cols >= 1, "embeddings has no columns");
  if (!res.is_cuda()) detail::check_host(embeddings, "embeddings", res);
  const bool with_labels = labels.size > 0;
  if (with_labels) detail::check_same_rows(embeddings, labels, "embeddings", "labels");
  EM_EXPECTS(params.metric == "euclidean" || params.metric == "cosine", "report metric '",
             params.metric, "': use euclidean or cosine");
  EM_EXPECTS(params.k >= 0, "k = ", params.k, ": use a positive count, or 0 with labels");
  EM_EXPECTS(params.k > 0 || with_labels,
             "k is not given and there are no labels to take it from: give k (--k)");
  const bool cosine = params.metric == "cosine";

  const int total = (params.clustering ? 3 : 0) + (params.entropy ? 2 : 0) +
                    (params.spectrum ? 1 : 0) + (params.covariance_spectrum ? 1 : 0) +
                    (with_labels ? 2 : 0) + 1;
  int done = 0;
  auto step = [&](const char* what) {
    if (params.progress) params.progress(what, done, total);
    ++done;
  };

  report_result r;
  r.n = embeddings.rows;
  r.d = embeddings.cols;
  r.device = res.device_string();
  step("preparing");
  const working_matrix work(res, embeddings, params.normalize);
  const matrix_view x = work.view();
  r.k = params.k > 0 ? params.k : distinct_labels(res, labels);
  EM_EXPECTS(r.k >= 2 && r.k < r.n, "k = ", r.k, " clusters for ", r.n,
             " points: the silhouette needs 2 <= k <= n - 1");

  std::vector<std::int64_t> c1;
  if (params.clustering || with_labels) {
    step("k-means (C1 and C2, one batched call)");
    kmeans_params kp;
    kp.k = r.k;
    kp.max_iter = params.kmeans_max_iter;
    kp.metric = cosine ? kmeans_metric::cosine : kmeans_metric::euclidean;
    auto runs = kmeans_batch(res, x, kp, {params.seed, params.seed + 1});
    c1 = std::move(runs[0].labels);
    r.cluster_sizes.assign(static_cast<std::size_t>(r.k), 0);
    for (const std::int64_t c : c1) ++r.cluster_sizes[static_cast<std::size_t>(c)];
    r.inertia = runs[0].inertia;
    agreement_params ap;
    ap.accuracy = false;
    const auto agree = agreement(res, label_view(c1), label_view(runs[1].labels), ap);
    r.ami_c1_c2 = agree.ami;
    r.ari_c1_c2 = agree.ari;
    if (params.clustering) {
      step("silhouette of C1 (exact)");
      silhouette_params sp;
      sp.metric = cosine ? silhouette_metric::cosine : silhouette_metric::euclidean;
      sp.per_sample = false;
      r.silhouette = silhouette(res, x, label_view(c1), sp).score;
    }
  }
  if (params.entropy) {
    step("kNN entropy");
    knn_entropy_params kp;
    kp.k = params.knn_entropy_k;
    r.knn_entropy = knn_entropy(res, x, kp).entropy;
    step("Gaussian entropy");
    r.gaussian_entropy = gaussian_entropy(res, x).entropy;
  }
  if (params.spectrum) {
    step("effective rank");
    r.effective_rank = effective_rank(res, x).effective_rank;
  }
  if (params.covariance_spectrum) {
    step("covariance spectrum");
    r.covariance_spectrum = detail::covariance_spectrum(res, x);
  }
  if (with_labels) {
    step("agreement of C1 with the labels");
    agreement_params ap;
    ap.accuracy = false;
    const auto gt = agreement(res, label_view(c1), labels, ap);
    r.ami_c1_gt = gt.ami;
    r.ari_c1_gt = gt.ari;
    step("kNN classifier accuracy");
    const std::int64_t kk = std::min<std::int64_t>(params.knn_classifier_k, r.n - 1);
    r.knn_accuracy = knn_accuracy(res, x, labels, kk, cosine ? knn_metric::cosine : knn_metric::euclidean);
  }
  if (!params.clustering) {
    r.inertia.reset();
    r.ami_c1_c2.reset();
    r.ari_c1_c2.reset();
    r.cluster_sizes.clear();
  }
  if (params.progress) params.progress("done", total, total);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace embed_metrics
