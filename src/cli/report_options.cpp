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
  sub.add_option("--views", views_paths,
                 "A second view of the same images, row i of both one image, for the alignment "
                 "(eval: one file; track: one per checkpoint, in the same order)");
  sub.add_option("--groups", groups_path,
                 "Source-image id of each row (the augmented views of one image share it), for "
                 "LiDAR; read like --labels");
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

std::vector<std::int64_t> report_options::load_groups_if_any() const {
  if (groups_path.empty()) return {};
  return load_labels_file(groups_path, "");
}

host_matrix report_options::load_views_if_any(std::size_t index, const loaded_embeddings& emb,
                                              const std::string& emb_path) const {
  if (views_paths.empty()) return {};
  EM_EXPECTS(index < views_paths.size(), "--views gives ", views_paths.size(),
             " file(s) but checkpoint ", index + 1, " (", emb_path,
             ") needs one too: give one --views file per checkpoint");
  const std::string& path = views_paths[index];
  EM_EXPECTS(emb.dropped_rows == 0, emb_path, ": --drop-nonfinite dropped ", emb.dropped_rows,
             " rows, so its rows no longer match those of --views ", path,
             "; clean both files or leave out --views");
  loaded_embeddings v = input.load(path);
  EM_EXPECTS(v.dropped_rows == 0, "--views ", path, ": ", v.dropped_rows,
             " rows were dropped for NaN/Inf, so its rows no longer match ", emb_path);
  EM_EXPECTS(v.matrix.rows() == emb.matrix.rows() && v.matrix.cols() == emb.matrix.cols(), "--views ",
             path, " is ", v.matrix.rows(), "x", v.matrix.cols(), " but ", emb_path, " is ",
             emb.matrix.rows(), "x", emb.matrix.cols(), "; row i of both must be one image");
  return std::move(v.matrix);
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
