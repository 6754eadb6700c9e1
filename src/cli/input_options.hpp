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

}  // namespace embed_metrics::cli
