// The report over ranks: the same steps as evaluate() (report.cpp), each a
// distributed metric; C1 and C2 are the k-means runs of seeds seed and
// seed + 1, as one process runs them.

#include <chrono>
#include <cmath>

#include "core/check.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"
#include "embed_metrics/report_metrics.hpp"

namespace embed_metrics::distributed {
namespace {

host_matrix normalized(matrix_view x) {
  host_matrix out(x.rows, x.cols);
  for (std::int64_t i = 0; i < x.rows; ++i) {
    double s = 0.0;
    for (std::int64_t j = 0; j < x.cols; ++j) s += static_cast<double>(x.row(i)[j]) * x.row(i)[j];
    EM_EXPECTS(s > 0.0, "distributed report: a row of the embeddings is zero and cannot be normalised");
    const double inv = 1.0 / std::sqrt(s);
    for (std::int64_t j = 0; j < x.cols; ++j)
      out.data()[i * x.cols + j] = static_cast<float>(x.row(i)[j] * inv);
  }
  return out;
}

}  // namespace

report_result evaluate(const resources& res, matrix_view embeddings, label_view labels,
                       const report_params& params) {
  const auto start = std::chrono::steady_clock::now();
  const auto comm = detail::comm_of(res);
  EM_EXPECTS(params.metric == distance_metric::euclidean, "distributed report: metric '",
             to_string(params.metric),
             "' is not distributed; use euclidean (with --normalize for cosine-like geometry)");
  EM_EXPECTS(params.seeds == 1, "distributed report: --seeds ", params.seeds,
             " is not distributed; run it in one process, or with one seed pair");
  const bool with_labels = detail::global_sum(*comm, labels.size) > 0;
  if (with_labels)
    EM_EXPECTS(labels.size == embeddings.rows, "distributed report: ", embeddings.rows, " rows but ",
               labels.size, " labels on rank ", comm->rank());
  report_result r;
  r.n = detail::global_sum(*comm, embeddings.rows);
  r.d = embeddings.cols;
  r.device = res.device_string() + " x " + std::to_string(comm->size()) + " ranks";
  EM_EXPECTS(r.n >= 3, "embeddings has ", r.n, " rows; the report needs at least 3 points");
  host_matrix normal;
  matrix_view x = embeddings;
  if (params.normalize) {
    normal = normalized(embeddings);
    x = normal.view();
  }
  r.k = params.k;
  if (r.k == 0) {
    EM_EXPECTS(with_labels, "k is not given and there are no labels to take it from: give k (--k)");
    r.k = static_cast<std::int64_t>(detail::global_values(*comm, labels.data, labels.size).size());
  }
  EM_EXPECTS(r.k >= 2 && r.k < r.n, "k = ", r.k, " clusters for ", r.n,
             " points: the silhouette needs 2 <= k <= n - 1");
  std::vector<std::int64_t> c1;
  if (params.clustering || with_labels) {
    kmeans_params kp;
    kp.k = r.k;
    kp.max_iter = params.kmeans_max_iter;
    kp.seed = params.seed;
    kmeans_result run1 = distributed::kmeans(res, x, kp);
    kp.seed = params.seed + 1;
    const kmeans_result run2 = distributed::kmeans(res, x, kp);
    c1 = std::move(run1.labels);
    r.cluster_sizes.assign(static_cast<std::size_t>(r.k), 0);
    for (const std::int64_t c : c1) ++r.cluster_sizes[static_cast<std::size_t>(c)];
    comm->all_reduce_sum(r.cluster_sizes.data(), r.cluster_sizes.size());
    r.inertia = run1.inertia;
    agreement_params ap;
    ap.accuracy = false;
    const auto agree = distributed::agreement(res, label_view(c1), label_view(run2.labels), ap);
    r.ami_c1_c2 = agree.ami;
    r.ari_c1_c2 = agree.ari;
    if (params.clustering) {
      silhouette_params sp;
      sp.per_sample = false;
      r.silhouette = distributed::silhouette(res, x, label_view(c1), sp).score;
    }
  }
  if (params.entropy) {
    knn_entropy_params kp;
    kp.k = params.knn_entropy_k;
    r.knn_entropy = distributed::knn_entropy(res, x, kp).entropy;
    r.gaussian_entropy = distributed::gaussian_entropy(res, x).entropy;
  }
  if (params.spectrum) r.effective_rank = distributed::effective_rank(res, x).effective_rank;
  if (with_labels) {
    agreement_params ap;
    ap.accuracy = false;
    const auto gt = distributed::agreement(res, label_view(c1), labels, ap);
    r.ami_c1_gt = gt.ami;
    r.ari_c1_gt = gt.ari;
  }
  if (!params.clustering) {
    r.inertia.reset();
    r.ami_c1_c2.reset();
    r.ari_c1_c2.reset();
    r.cluster_sizes.clear();
  }
  // The metrics with no distributed algorithm yet are null with a reason,
  // so that a distributed report never passes off a missing value as computed.
  for (const auto& m : report_metrics()) {
    if ((m.needs_labels && !with_labels) || metric_value(r, m.key)) continue;
    const std::string key(m.key);
    r.values[key] = std::nullopt;
    r.undefined_reasons[key] = "not computed over several processes yet: run it in one process";
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace embed_metrics::distributed
