#include "cli/report_options.hpp"

#include <filesystem>

#include "core/check.hpp"
#include "embed_metrics/io.hpp"

namespace embed_metrics::cli {

void report_options::add_to(CLI::App& sub) {
  sub.add_option("--labels", labels_path, "Ground-truth labels (.npy or one integer per line)");
  sub.add_option("--k", k, "Clusters (default: number of distinct labels)")
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--metric", metric, "k-means and silhouette metric")
      ->check(CLI::IsMember({"euclidean", "cosine"}))
      ->capture_default_str();
  sub.add_flag("--normalize", normalize, "L2-normalise the embeddings first");
  sub.add_flag("--explain", explain, "Explain each metric under the table");
  input.add_to(sub);
}

report_params report_options::params(const common_options& common) const {
  report_params p;
  p.k = k;
  p.seed = common.seed;
  p.metric = metric;
  p.normalize = normalize;
  return p;
}

std::vector<std::int64_t> report_options::load_labels_if_any() const {
  if (labels_path.empty()) return {};
  return load_labels(labels_path, input.to_load_options());
}

void refuse_to_overwrite(const std::string& output, const std::vector<std::string>& inputs,
                         const std::string& flag) {
  if (output.empty()) return;
  std::error_code ec;
  for (const auto& in : inputs) {
    if (std::filesystem::equivalent(output, in, ec) || output == in)
      throw invalid_argument(detail::cat(flag, " ", output,
                                         " is one of the inputs; embed-metrics never writes over "
                                         "an input: choose another file name"));
  }
}

}  // namespace embed_metrics::cli
