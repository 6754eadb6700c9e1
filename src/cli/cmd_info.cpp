// `embed-metrics info FILE`: what a file holds (format, dtype, shape, size,
// the arrays of an archive, and for integer data the number of distinct values).

#include <iostream>

#include "cli/command.hpp"
#include "cli/input_options.hpp"
#include "cli/number_options.hpp"
#include "cli/output.hpp"
#include "embed_metrics/io.hpp"

namespace embed_metrics::cli {
namespace {

struct info_args {
  std::string file;
  input_options input;
};

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<info_args>();
  sub.add_option("file", args->file, "The file to inspect")->required();
  sub.add_option("--array", args->input.array, "Array or tensor name in a .npz or .safetensors file");
  sub.add_option("--shape", args->input.shape, "Shape RxC of a raw binary file")->check(shape_text());
  sub.add_option("--dtype", args->input.dtype, "dtype of a raw binary file (f2, f4, f8, bf16, i8, ...)")
      ->capture_default_str();
  add_format_option(sub, common);
  return [args, &common] {
    const load_options options = args->input.to_load_options();
    const file_info info = inspect_file(args->file, options);
    json out;
    out["file"] = args->file;
    out["format"] = info.format;
    if (info.dtype.empty() && !info.arrays.empty()) {
      // an archive of several arrays, none chosen: describe each one
      out["bytes"] = info.bytes;
      json arrays = json::array();
      for (const auto& name : info.arrays) {
        load_options one = options;
        one.array = name;
        const file_info a = inspect_file(args->file, one);
        json rec;
        rec["name"] = name;
        rec["dtype"] = a.dtype;
        rec["shape"] = a.shape;
        rec["bytes"] = a.bytes;
        if (a.distinct_values >= 0) rec["distinct_values"] = a.distinct_values;
        arrays.push_back(rec);
      }
      out["arrays"] = arrays;
    } else {
      out["dtype"] = info.dtype;
      out["shape"] = info.shape;
      out["bytes"] = info.bytes;
      if (!options.array.empty()) out["array"] = options.array;
      if (!info.arrays.empty()) out["arrays"] = info.arrays;
      if (info.distinct_values >= 0) out["distinct_values"] = info.distinct_values;
    }
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"info", "Show what a file holds: format, dtype, shape, size", setup, 80}};

}  // namespace
}  // namespace embed_metrics::cli
