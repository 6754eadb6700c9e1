#include "cli/input_options.hpp"

#include <iostream>

#include "core/check.hpp"

namespace embed_metrics::cli {

void input_options::add_to(CLI::App& sub) {
  sub.add_option("--array", array, "Array or tensor name in a .npz or .safetensors file");
  sub.add_option("--shape", shape, "Shape RxC of a raw binary file");
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
  if (!shape.empty()) {
    const auto x = shape.find_first_of("xX,");
    EM_EXPECTS(x != std::string::npos, "--shape '", shape, "': expected ROWSxCOLS, as in 1000x512");
    try {
      std::size_t used = 0;
      o.raw_rows = std::stoll(shape.substr(0, x), &used);
      EM_EXPECTS(used == x, "--shape '", shape, "': expected ROWSxCOLS");
      o.raw_cols = std::stoll(shape.substr(x + 1), &used);
      EM_EXPECTS(used == shape.size() - x - 1, "--shape '", shape, "': expected ROWSxCOLS");
    } catch (const std::logic_error&) {
      throw invalid_argument(detail::cat("--shape '", shape, "': expected ROWSxCOLS, as in 1000x512"));
    }
    EM_EXPECTS(o.raw_rows > 0 && o.raw_cols > 0, "--shape '", shape, "': both sizes must be positive");
  }
  return o;
}

loaded_embeddings input_options::load(const std::string& path) const {
  auto e = load_embeddings(path, to_load_options());
  if (e.dropped_rows > 0)
    std::cerr << "embed-metrics: dropped " << e.dropped_rows << " row(s) with NaN/Inf from " << path
              << '\n';
  return e;
}

}  // namespace embed_metrics::cli
