// `embed-metrics eval EMB`: the label-free report for one embeddings file;
// optionally as an HTML page, or appended as one row to a metrics log.

#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command.hpp"
#include "cli/distributed.hpp"
#include "cli/html_report.hpp"
#include "cli/metrics_log.hpp"
#include "cli/progress.hpp"
#include "cli/report_options.hpp"
#include "cli/report_output.hpp"
#include "core/check.hpp"
#include "embed_metrics/version.hpp"

namespace embed_metrics::cli {
namespace {

struct eval_args {
  std::string path;
  report_options opts;
  std::string html_path;
  std::string append_path;
  std::optional<std::int64_t> step;
  std::optional<double> lp_acc;
};

// The one-checkpoint page of `eval --html`.
std::string eval_page(const eval_args& a, const report_result& r, const json& j,
                      const common_options& common) {
  html_report_input page;
  page.title = "embed-metrics eval: " + std::filesystem::path(a.path).filename().string();
  page.columns = keys_of(j);
  page.checkpoints.push_back({std::filesystem::path(a.path).filename().string(), j,
                              r.covariance_spectrum, r.cluster_sizes});
  page.inputs = {{"embeddings", a.path},
                 {"labels", a.opts.labels_path.empty() ? "-" : a.opts.labels_path},
                 {"k", std::to_string(r.k)},
                 {"metric", a.opts.metric + (a.opts.normalize ? ", normalised" : "")},
                 {"seed", std::to_string(common.seed)},
                 {"device", r.device},
                 {"embed-metrics", version_string}};
  if (a.opts.seeds > 1)  // --seeds: the seed pairs, beside the first seed
    page.inputs.insert(page.inputs.begin() + 5, {"seeds", std::to_string(a.opts.seeds)});
  return html_report(page);
}

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<eval_args>();
  sub.add_option("EMB", args->path, "Embeddings file (.npy, .npz, .safetensors, .csv, raw)")
      ->required();
  args->opts.add_to(sub);
  // Report and log options (issue 21).
  sub.add_option("--html", args->html_path, "Write the report as a self-contained HTML page");
  auto* append = sub.add_option(
      "--append", args->append_path,
      "Append the report as one row to a metrics log (.csv, or .jsonl), never rewriting it");
  sub.add_option("--step", args->step,
                 "Step or epoch column of the --append row (default: rows so far)")
      ->needs(append);
  sub.add_option("--lp-acc", args->lp_acc,
                 "Linear-probe accuracy of this checkpoint, for the --append row")
      ->needs(append);
  add_format_option(sub, common);
  auto dist = add_distributed_options(sub);
  return [args, dist, &common] {
    EM_EXPECTS(args->opts.views_paths.size() <= 1, "eval takes one --views file, not ",
               args->opts.views_paths.size());
    if (auto d = evaluate_distributed(*dist, common, args->opts, args->path)) {  // under mpirun
      EM_EXPECTS(args->html_path.empty() && args->append_path.empty(), "--html and --append are not distributed");
      if (d->prints) print_record(std::cout, report_json(d->result, d->with_labels), common.format);
      return 0;
    }
    std::vector<std::string> inputs{args->path, args->opts.labels_path, args->opts.groups_path};
    inputs.insert(inputs.end(), args->opts.views_paths.begin(), args->opts.views_paths.end());
    check_output(args->html_path, inputs, "--html");
    check_output(args->append_path, inputs, "--append");
    EM_EXPECTS(args->append_path.empty() || args->append_path != args->html_path,
               "--append and --html name the same file ", args->html_path, ": give two files");
    const resources res = common.make_resources();
    const auto emb = args->opts.input.load(args->path);
    auto labels = args->opts.load_labels_if_any();
    const bool with_labels = !labels.empty();
    if (with_labels)  // the labels of rows dropped for NaN/Inf go too
      labels = labels_of_kept_rows(std::move(labels), emb, args->path, args->opts.labels_path);
    auto params = args->opts.params(common);
    params.covariance_spectrum = !args->html_path.empty();
    const host_matrix views = args->opts.load_views_if_any(0, emb, args->path);
    params.views = views.view();
    auto groups = args->opts.load_groups_if_any();
    if (!groups.empty()) groups = labels_of_kept_rows(std::move(groups), emb, args->path, args->opts.groups_path);
    params.groups = label_view(groups);
    progress bar(1);
    params.progress = [&bar](const std::string& step, int done, int total) {
      bar.update(done, step + " (" + std::to_string(done) + "/" + std::to_string(total) + ")");
    };
    const auto r = evaluate_file(res, args->path, emb.matrix.view(), labels, params);
    bar.finish();
    const json j = report_json(r, with_labels);
    if (!args->append_path.empty()) {
      json row;
      row["step"] =
          args->step ? *args->step : static_cast<std::int64_t>(log_row_count(args->append_path));
      row["path"] = args->path;
      row.update(j);
      if (args->lp_acc) row["lp_accuracy"] = *args->lp_acc;
      append_log_row(args->append_path, row);
    }
    if (!args->html_path.empty()) {
      write_text_output(args->html_path, eval_page(*args, r, j, common), "--html");
    }
    print_record(std::cout, j, common.format);
    if (args->opts.explain && common.format == "table") print_explanations(std::cout, with_labels);
    return 0;
  };
}

const registrar reg{{"eval", "The label-free report for one embeddings file", setup, 10}};

}  // namespace
}  // namespace embed_metrics::cli
