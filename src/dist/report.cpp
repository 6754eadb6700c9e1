// The report over ranks: the same steps as evaluate() (report.cpp), each a
// distributed metric; C1 and C2 are the k-means runs of seeds seed and
// seed + 1, as one process runs them.

#include <algorithm>
#include <chrono>
#include <set>
#include <string_view>
#include <cmath>

#include "core/check.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"
#include "embed_metrics/metric_undefined.hpp"
#include "embed_metrics/report_metrics.hpp"
#include "report/metric_registry.hpp"

namespace embed_metrics::distributed {
namespace {

host_matrix normalized(matrix_view x) {
  host_matrix out(x.rows, x.cols);
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const double s = detail::sq_norm(x.row(i), x.cols);
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
  detail::on_every_rank(*comm, [&] {
    if (with_labels)
      EM_EXPECTS(labels.size == embeddings.rows, "distributed report: ", embeddings.rows,
                 " rows but ", labels.size, " labels on rank ", comm->rank());
  });
  report_result r;
  r.n = detail::global_sum(*comm, embeddings.rows);
  r.d = embeddings.cols;
  r.device = res.device_string() + " x " + std::to_string(comm->size()) + " ranks";
  EM_EXPECTS(r.n >= 3, "embeddings has ", r.n, " rows; the report needs at least 3 points");
  host_matrix normal;
  matrix_view x = embeddings;
  if (params.normalize) {
    detail::on_every_rank(*comm, [&] { normal = normalized(embeddings); });
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
  // The registry's other metrics (src/report/metric_registry.cpp), null with
  // the single-process reason where they do not exist for these data.
  auto undefined = [&r](const std::string& key, const std::string& reason) {
    r.values[key] = std::nullopt;
    r.undefined_reasons[key] = reason;
  };
  auto set = [&](const char* key, auto&& compute) {
    try {
      r.values[key] = compute();
    } catch (const metric_undefined& e) {
      undefined(key, e.what());
    }
  };
  auto set_or_reason = [&](const char* key, double v, const std::string& reason) {
    if (reason.empty()) {
      r.values[key] = v;
    } else {
      undefined(key, reason);
    }
  };
  if (params.spectrum || params.covariance_spectrum) {
    spectrum_metrics_result s = distributed::spectrum_metrics(res, x);
    set_or_reason("alpha_req", s.alpha_req, s.alpha_req_undefined);
    set_or_reason("nesum", s.nesum, s.nesum_undefined);
    if (params.covariance_spectrum) r.covariance_spectrum = std::move(s.spectrum);
  }
  if (params.clustering) {
    set("davies_bouldin", [&] { return distributed::davies_bouldin(res, x, label_view(c1)).score; });
    set("calinski_harabasz", [&] { return distributed::calinski_harabasz(res, x, label_view(c1)).score; });
  }
  if (params.entropy) set("uniformity", [&] { return distributed::uniformity(res, x).uniformity; });
  if (params.spectrum) set("collapse_sd", [&] { return distributed::collapse_std(res, x).collapse_std; });
  if (detail::global_sum(*comm, params.views.rows) == 0) {
    undefined("alignment", "no second view of the images was given (--views B)");
  } else {
    set("alignment", [&] { return distributed::alignment(res, x, params.views).alignment; });
  }
  if (detail::global_sum(*comm, params.groups.size) == 0) {
    undefined("lidar", "no group ids of the views were given (--groups G)");
  } else {
    set("lidar", [&] { return distributed::lidar(res, x, params.groups).lidar; });
  }
  if (with_labels) {
    agreement_params ap;
    ap.accuracy = false;
    const auto gt = distributed::agreement(res, label_view(c1), labels, ap);
    r.ami_c1_gt = gt.ami;
    r.ari_c1_gt = gt.ari;
    const std::int64_t kk = std::min<std::int64_t>(params.knn_classifier_k, r.n - 1);
    r.knn_accuracy = distributed::knn_accuracy(res, x, labels, kk);
  }
  if (!params.clustering) {
    r.inertia.reset();
    r.ami_c1_c2.reset();
    r.ari_c1_c2.reset();
    r.cluster_sizes.clear();
  }
  // A metric added to the registry without a distributed algorithm is null
  // with this reason where one process would compute it, never passed off
  // as computed or silently left out.
  static const std::set<std::string_view> kDistributed{
      "silhouette", "ami_c1_c2", "ari_c1_c2", "knn_entropy", "gaussian_entropy", "effective_rank",
      "inertia", "davies_bouldin", "calinski_harabasz", "uniformity", "alpha_req", "nesum",
      "collapse_sd", "alignment", "lidar", "ami_c1_gt", "ari_c1_gt", "knn_accuracy"};
  const auto& steps = detail::report_steps();
  for (const auto& m : report_metrics()) {
    const auto step = std::find_if(steps.begin(), steps.end(), [&](const auto& s) { return s.name == m.step; });
    if (kDistributed.count(m.key) > 0 || step == steps.end() || !step->wanted(params, with_labels)) continue;
    undefined(std::string(m.key), "not computed over several processes yet: run it in one process");
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace embed_metrics::distributed
