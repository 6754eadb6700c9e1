// The label-free report: checks the inputs, prepares the rows and runs the
// registry's steps (metric_registry.cpp: k-means C1 and C2 of every seed pair
// in one batched call, silhouette, agreement, entropy, spectrum and, with
// labels, the label-based checks). Works on host or device embeddings; device data is never copied to
// the host (only labels and small results are).

#include "embed_metrics/report.hpp"

#include <chrono>
#include <vector>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "embed_metrics/agreement.hpp"
#include "report/metric_registry.hpp"

namespace embed_metrics {

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
  EM_EXPECTS(params.metric == distance_metric::euclidean || params.metric == distance_metric::cosine,
             "report metric '", to_string(params.metric),
             "': use euclidean or cosine (k-means has no other geometry)");
  EM_EXPECTS(params.k >= 0, "k = ", params.k, ": use a positive count, or 0 with labels");
  EM_EXPECTS(params.k > 0 || with_labels,
             "k is not given and there are no labels to take it from: give k (--k)");
  if (params.views.rows > 0) {
    detail::check_matrix(params.views, "second view");
    EM_EXPECTS(params.views.space == embeddings.space,
               "second view and embeddings are in different memory (host and device): give both "
               "in the memory of the embeddings");
    if (!res.is_cuda()) detail::check_host(params.views, "second view", res);
    EM_EXPECTS(params.views.rows == embeddings.rows && params.views.cols == embeddings.cols,
               "second view is ", params.views.rows, " x ", params.views.cols,
               " but the embeddings are ", embeddings.rows, " x ", embeddings.cols,
               ": give the same rows (one per input) in the same order");
  }
  if (params.groups.size > 0) {
    detail::check_labels(params.groups, "groups");
    detail::check_same_rows(embeddings, params.groups, "embeddings", "groups");
  }
  EM_EXPECTS(params.seeds >= 1, "seeds = ", params.seeds, ": use at least 1 seed pair");

  std::vector<const detail::report_step*> steps;
  for (const auto& s : detail::report_steps())
    if (s.wanted(params, with_labels)) steps.push_back(&s);
  const int total = static_cast<int>(steps.size()) + 1;
  int done = 0;
  auto step = [&](std::string_view what) {
    if (params.progress) params.progress(std::string(what), done, total);
    ++done;
  };

  report_result r;
  r.n = embeddings.rows;
  r.d = embeddings.cols;
  r.seeds = params.seeds;
  r.device = res.device_string();
  step("preparing");
  // The embeddings the report works on: the input, or its L2-normalised copy
  // (in the memory of the resources' backend; an all-zero row is an error).
  detail::prepared_rows work{embeddings, {}, nullptr};
  if (params.normalize)
    work = detail::backend_for(res).rows->prepare(res, embeddings, detail::row_geometry::cosine,
                                                  detail::zero_row_policy::reject, "embeddings");
  // Without k, the number of distinct labels (the clusters of their table).
  r.k = params.k > 0 ? params.k
                     : static_cast<std::int64_t>(contingency(res, labels, labels).sizes_a.size());
  EM_EXPECTS(r.k >= 2 && r.k < r.n, "k = ", r.k, " clusters for ", r.n,
             " points: the silhouette needs 2 <= k <= n - 1");

  detail::report_context ctx{res, work.view, labels, params, r, {}, {}, {}};
  for (const auto* s : steps) {
    step(s->name);
    s->run(ctx);
  }
  if (params.progress) params.progress("done", total, total);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace embed_metrics
