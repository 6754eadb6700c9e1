#include "cli/input_options.hpp"

#include <iostream>

#include "cli/file_errors.hpp"
#include "cli/number_options.hpp"
#include "core/check.hpp"

namespace embed_metrics::cli {
namespace {

// The loader's hints name --array, which for a labels file is --labels-array.
std::string with_labels_array_hint(std::string message) {
  const auto at = message.find("--array");
  if (at != std::string::npos) message.replace(at, 7, "--labels-array");
  return message;
}

}  // namespace

void input_options::add_to(CLI::App& sub) {
  sub.add_option("--array", array, "Array or tensor name in a .npz or .safetensors file");
  sub.add_option("--shape", shape, "Shape RxC of a raw binary file")->check(shape_text());
  sub.add_option("--dtype", dtype, "dtype of a raw binary file (f2, f4, f8, i8, ...)")
      ->capture_default_str();
  sub.add_flag("--drop-nonfinite", drop_nonfinite,
               "Drop rows holding NaN or Inf instead of failing");
}

load_options input_options::to_load_options() const {
  load_options o;
  o.array = array;
  o.raw_dtype = dtype;
  o.drop_nonfinite = drop_nonfinite;
  // The same rule as the --shape check, which has passed by now.
  if (!shape.empty())
    EM_EXPECTS(parse_shape(shape, o.raw_rows, o.raw_cols), "--shape '", shape,
               "': expected ROWSxCOLS, two whole numbers >= 1 as in 1000x512");
  return o;
}

loaded_embeddings input_options::load(const std::string& path) const {
  auto e = about_file(path, "loading the embeddings", [&] { return load_embeddings(path, to_load_options()); });
  if (e.dropped_rows > 0)
    std::cerr << "embed-metrics: dropped " << e.dropped_rows << " row(s) with NaN/Inf from " << path
              << '\n';
  return e;
}

std::vector<std::int64_t> load_labels_file(const std::string& labels_path,
                                           const std::string& labels_array) {
  load_options o;
  o.array = labels_array;
  try {
    return about_file(labels_path, "loading the labels", [&] { return load_labels(labels_path, o); });
  } catch (const format_error& e) {
    throw format_error(with_labels_array_hint(e.what()));
  } catch (const invalid_argument& e) {
    throw invalid_argument(with_labels_array_hint(e.what()));
  }
}

std::vector<std::int64_t> labels_of_kept_rows(std::vector<std::int64_t> labels,
                                              const loaded_embeddings& emb,
                                              const std::string& emb_path,
                                              const std::string& labels_path) {
  const std::int64_t file_rows = emb.matrix.rows() + emb.dropped_rows;
  if (static_cast<std::int64_t>(labels.size()) != file_rows) {
    const std::string dropped =
        emb.dropped_rows > 0 ? detail::cat(" (", emb.dropped_rows, " of them dropped for NaN/Inf)") : "";
    throw invalid_argument(detail::cat("labels ", labels_path, " holds ", labels.size(), " labels (", labels.size(), " rows) but ",
                                       emb_path, " has ", file_rows, " rows", dropped,
                                       "; give one label per row of the embeddings file"));
  }
  if (emb.kept_rows.empty()) return labels;
  std::vector<std::int64_t> kept;
  kept.reserve(emb.kept_rows.size());
  for (const std::int64_t r : emb.kept_rows) kept.push_back(labels[static_cast<std::size_t>(r)]);
  return kept;
}

}  // namespace embed_metrics::cli
