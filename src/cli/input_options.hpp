#pragma once
// Options every subcommand that reads an embeddings file shares: --array for
// .npz/.safetensors, --shape RxC and --dtype for raw files, --drop-nonfinite.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "embed_metrics/io.hpp"

namespace embed_metrics::cli {

struct input_options {
  std::string array;
  std::string shape;  // "RxC"
  std::string dtype = "f4";
  bool drop_nonfinite = false;

  /// Add --array, --shape, --dtype, --drop-nonfinite to @p sub.
  void add_to(CLI::App& sub);
  /// The load_options these flags ask for (throws invalid_argument on a bad --shape).
  [[nodiscard]] load_options to_load_options() const;
  /// Load @p path; says on stderr how many rows were dropped, if any.
  [[nodiscard]] loaded_embeddings load(const std::string& path) const;
};

/// Labels read from @p labels_path with label rules only: @p labels_array
/// names the array in a .npz/.safetensors file; the embeddings' --array,
/// --shape and --dtype do not apply.
[[nodiscard]] std::vector<std::int64_t> load_labels_file(const std::string& labels_path,
                                                         const std::string& labels_array);

/// The labels of the rows kept in @p emb (read from @p emb_path): @p labels
/// must hold one label per row of the file, and the labels of rows that
/// --drop-nonfinite dropped are dropped too, so each label stays with its row.
[[nodiscard]] std::vector<std::int64_t> labels_of_kept_rows(std::vector<std::int64_t> labels,
                                                            const loaded_embeddings& emb,
                                                            const std::string& emb_path,
                                                            const std::string& labels_path);

}  // namespace embed_metrics::cli
