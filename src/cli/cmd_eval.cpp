// `embed-metrics eval EMB`: the label-free report for one embeddings file.

#include <iostream>

#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/report_options.hpp"
#include "cli/report_output.hpp"
#include "core/validate.hpp"

namespace embed_metrics::cli {
namespace {

struct eval_args {
  std::string path;
  report_options opts;
};

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<eval_args>();
  sub.add_option("EMB", args->path, "Embeddings file (.npy, .npz, .safetensors, .csv, raw)")
      ->required();
  args->opts.add_to(sub);
  add_format_option(sub, common);
  return [args, &common] {
    const resources res = common.make_resources();
    const auto emb = args->opts.input.load(args->path);
    auto labels = args->opts.load_labels_if_any();
    const bool with_labels = !labels.empty();
    if (with_labels)  // the labels of rows dropped for NaN/Inf go too
      labels = labels_of_kept_rows(std::move(labels), emb, args->path, args->opts.labels_path);
    auto params = args->opts.params(common);
    progress bar(1);
    params.progress = [&bar](const std::string& step, int done, int total) {
      bar.update(done, step + " (" + std::to_string(done) + "/" + std::to_string(total) + ")");
    };
    const auto r = evaluate_file(res, args->path, emb.matrix.view(), labels, params);
    bar.finish();
    const json j = report_json(r, with_labels);
    print_record(std::cout, j, common.format);
    if (args->opts.explain && common.format == "table")
      print_explanations(std::cout, metric_keys(with_labels));
    return 0;
  };
}

const registrar reg{{"eval", "The label-free report for one embeddings file", setup, 10}};

}  // namespace
}  // namespace embed_metrics::cli
