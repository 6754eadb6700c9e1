#include "cli/report_options.hpp"

#include <algorithm>
#include <limits>

#include "cli/file_errors.hpp"
#include "cli/memory_needs.hpp"
#include "cli/number_options.hpp"
#include "core/check.hpp"
#include "core/memory.hpp"
#include "embed_metrics/io.hpp"

namespace embed_metrics::cli {

void report_options::add_to(CLI::App& sub, bool with_views) {
  sub.add_option("--labels", labels_path,
                 "Ground-truth labels, one per row of the embeddings (.npy, .npz, .safetensors or one "
                 "integer per line); --array, --shape and --dtype do not apply to them");
  sub.add_option("--labels-array", labels_array,
                 "Array or tensor name of the labels in a .npz or .safetensors --labels file");
  sub.add_option("--k", k, "Clusters (default: number of distinct labels)")
      ->check(whole_number(0, std::numeric_limits<std::int32_t>::max()));
  sub.add_option("--metric", metric, "k-means and silhouette metric")
      ->check(CLI::IsMember({"euclidean", "cosine"}))
      ->capture_default_str();
  sub.add_option("--seeds", seeds,
                 "k-means seed pairs (C1, C2) for the seed-dependent metrics: each is then the mean "
                 "over the pairs, with its standard deviation as KEY_std (one batched k-means call)")
      ->check(whole_number(1, 1 << 20))
      ->capture_default_str();
  if (with_views)
    sub.add_option("--views", views_path,
                   "A second view of the same inputs (row i of both files is one input, e.g. two "
                   "augmentations of one image), for the metrics of two views");
  sub.add_option("--groups", groups_path,
                 "A group id per row (the rows of one group are views of one input), for the "
                 "metrics of groups; read like --labels");
  sub.add_flag("--normalize", normalize, "L2-normalise the embeddings first");
  sub.add_flag("--explain", explain, "Explain each metric under the table");
  input.add_to(sub);
}

report_params report_options::params(const common_options& common) const {
  report_params p;
  p.k = k;
  p.seed = common.seed;
  p.metric = parse_distance_metric(metric);
  p.seeds = seeds;
  p.normalize = normalize;
  return p;
}

std::vector<std::int64_t> report_options::load_labels_if_any() const {
  if (labels_path.empty()) return {};
  return load_labels_file(labels_path, labels_array);
}

host_matrix report_options::load_views_if_any(const loaded_embeddings& emb,
                                              const std::string& emb_path) const {
  if (views_path.empty()) return host_matrix();
  auto views = input.load(views_path);
  EM_EXPECTS(views.matrix.rows() == emb.matrix.rows() && views.matrix.cols() == emb.matrix.cols(),
             "--views ", views_path, " is ", views.matrix.rows(), " x ", views.matrix.cols(), " but ",
             emb_path, " is ", emb.matrix.rows(), " x ", emb.matrix.cols(),
             ": give one row per input in the same order (and no rows dropped from one alone)");
  return std::move(views.matrix);
}

std::vector<std::int64_t> report_options::load_groups_if_any(const loaded_embeddings& emb,
                                                             const std::string& emb_path) const {
  if (groups_path.empty()) return {};
  return labels_of_kept_rows(load_labels_file(groups_path, ""), emb, emb_path, groups_path);
}

report_result evaluate_file(const resources& res, const std::string& path, matrix_view emb,
                            const std::vector<std::int64_t>& labels, const report_params& params) {
  const std::string job = detail::cat("the report (k = ", params.k, ", n = ", emb.rows, ", d = ", emb.cols, ")");
  return about_file(path, job, [&] {
    if (params.clustering && params.k <= emb.rows) {
      const std::int64_t knn_k = labels.empty() ? params.knn_entropy_k : std::max(params.knn_entropy_k, params.knn_classifier_k);
      detail::require_memory(detail::add_bytes(kmeans_bytes(emb.rows, emb.cols, params.k, 2 * params.seeds),
                                               knn_bytes(emb.rows, std::min<std::int64_t>(knn_k, emb.rows))),
                             job);
    }
    return evaluate(res, emb, label_view(labels), params);
  });
}

}  // namespace embed_metrics::cli
