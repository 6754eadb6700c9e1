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

void report_options::add_to(CLI::App& sub) {
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
