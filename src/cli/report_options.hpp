#pragma once
// Flags shared by `eval` and `track`: --labels, --k, --metric, --seeds,
// --normalize, --explain, and the embeddings-file flags.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/input_options.hpp"
#include "embed_metrics/report.hpp"

namespace embed_metrics::cli {

struct report_options {
  std::string labels_path;
  std::string labels_array;  // --labels-array: the labels' array in a .npz/.safetensors file
  std::int64_t k = 0;
  std::string metric = "euclidean";
  int seeds = 1;  // --seeds: k-means seed pairs of the seed-dependent metrics
  bool normalize = false;
  bool explain = false;
  /// --views: a second view of the images (row i of both is one image), for
  /// the alignment; eval takes one file, track one per checkpoint.
  std::vector<std::string> views_paths;
  std::string groups_path;  // --groups: source-image id per row, for LiDAR
  input_options input;

  void add_to(CLI::App& sub);
  /// Report parameters from these flags and the common --seed.
  [[nodiscard]] report_params params(const common_options& common) const;
  /// The labels (read with label rules only: --labels-array, not --array),
  /// or an empty vector without --labels.
  [[nodiscard]] std::vector<std::int64_t> load_labels_if_any() const;
  /// The --groups ids (label rules), or an empty vector without --groups.
  [[nodiscard]] std::vector<std::int64_t> load_groups_if_any() const;
  /// The --views file of checkpoint @p index (read with the embeddings'
  /// flags), checked against @p emb from @p emb_path: same shape, no rows
  /// dropped (row i of both must stay one image). Empty without --views.
  [[nodiscard]] host_matrix load_views_if_any(std::size_t index, const loaded_embeddings& emb,
                                              const std::string& emb_path) const;
};

/// evaluate() on @p emb from @p path: refused up front when its memory
/// clearly cannot fit, and its errors name @p path.
[[nodiscard]] report_result evaluate_file(const resources& res, const std::string& path,
                                          matrix_view emb, const std::vector<std::int64_t>& labels,
                                          const report_params& params);

}  // namespace embed_metrics::cli
