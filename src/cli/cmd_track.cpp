// `embed-metrics track CKPT...`: the report for each checkpoint, their
// correlation with linear-probe accuracy (or with AMI against the labels),
// an SVG plot of small multiples and a self-contained HTML report. The rows
// may also come from a metrics log that `eval --append` wrote (--from-log).

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <sstream>

#include "cli/command.hpp"
#include "cli/distributed.hpp"
#include "cli/html_report.hpp"
#include "cli/metrics_log.hpp"
#include "cli/number_options.hpp"
#include "cli/progress.hpp"
#include "cli/report_options.hpp"
#include "cli/report_output.hpp"
#include "cli/svg_plot.hpp"
#include "cli/track_figure.hpp"
#include "core/check.hpp"
#include "embed_metrics/correlation.hpp"
#include "embed_metrics/version.hpp"

namespace embed_metrics::cli {
namespace {

struct track_args {
  std::vector<std::string> checkpoints;
  std::string lp_path;
  int skip_first = 0;
  std::string plot_path;
  std::string html_path;
  std::string from_log;
  std::string correlation = "spearman";
  std::string reference;
  report_options opts;
};

// One accuracy per line; a first line that is not a number is a header;
// blank lines are ignored.
std::vector<double> read_lp_file(const std::string& path) {
  std::istringstream in(read_text_input(path, "--lp-acc"));
  // A log written by `eval --append` gives its lp_accuracy (or lp_acc) column.
  if (is_metrics_log(path)) return read_log_column(path, {"lp_accuracy", "lp_acc"});
  std::vector<double> out;
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    char* end = nullptr;
    errno = 0;  // strtod's out-of-range flag
    const double v = std::strtod(line.c_str(), &end);
    if (end == line.c_str() + line.size() && errno == 0 && std::isfinite(v)) {
      out.push_back(v);
    } else if (line_no != 1 || !out.empty()) {  // not the header line
      throw format_error(detail::cat(path, ":", line_no, ": expected one accuracy per line, got '",
                                     line, "'"));
    }
  }
  return out;
}

std::string base_name(const std::string& p) { return std::filesystem::path(p).filename().string(); }

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto a = std::make_shared<track_args>();
  sub.add_option("CKPT", a->checkpoints, "Embeddings of each checkpoint, in training order");
  sub.add_option("--lp-acc", a->lp_path,
                 "Linear-probe accuracy per checkpoint, one per line (a header line allowed), or "
                 "the lp_accuracy column of a metrics log (.csv/.jsonl from eval --append)");
  sub.add_option("--skip-first", a->skip_first,
                 "Leave the first N checkpoints out of the correlations")
      ->check(whole_number(0, std::numeric_limits<int>::max()));
  sub.add_option("--plot", a->plot_path, "Write an SVG plot of every metric and the LP accuracy");
  // Report and log options (issue 21).
  sub.add_option("--html", a->html_path,
                 "Write a self-contained HTML report (plots, tables, spectrum, cluster sizes)");
  sub.add_option("--from-log", a->from_log,
                 "Take the rows from a metrics log (eval --append) instead of computing CKPT...");
  sub.add_option("--correlation", a->correlation,
                 "Correlation printed beside Spearman in the plot titles")
      ->check(CLI::IsMember({"spearman", "pearson", "kendall"}))
      ->capture_default_str();
  sub.add_option("--reference", a->reference,
                 "Column to correlate with and draw on the second axis (default: lp_accuracy, "
                 "else ami_c1_gt)");
  a->opts.add_to(sub);
  add_format_option(sub, common);
  auto dist = add_distributed_options(sub);

  return [a, dist, &common] {
    const auto& ckpts = a->checkpoints;
    const bool from_log = !a->from_log.empty();
    if (from_log == !ckpts.empty())
      throw invalid_argument(
          from_log ? "give either CKPT... or --from-log, not both"
                   : "no checkpoints: give CKPT... (embeddings files) or --from-log FILE");
    std::vector<json> rows = from_log ? read_log(a->from_log) : std::vector<json>{};
    const int n_ckpt = static_cast<int>(from_log ? rows.size() : ckpts.size());
    EM_EXPECTS(n_ckpt > 0, "--from-log ", a->from_log, " has no rows");
    std::vector<std::string> inputs = ckpts;  // check_output passes over the empty ones
    inputs.insert(inputs.end(),
                  {a->from_log, a->lp_path, a->opts.labels_path, a->opts.groups_path});
    check_output(a->plot_path, inputs, "--plot");
    check_output(a->html_path, inputs, "--html");

    std::vector<double> lp;
    if (!a->lp_path.empty()) {
      lp = read_lp_file(a->lp_path);
      EM_EXPECTS(static_cast<int>(lp.size()) == n_ckpt, "--lp-acc ", a->lp_path, " has ", lp.size(),
                 " values but ", n_ckpt, " checkpoints were given; give one accuracy per checkpoint");
    }
    const auto all_labels = from_log ? std::vector<std::int64_t>{} : a->opts.load_labels_if_any();
    const bool with_labels = !all_labels.empty();
    const auto all_groups = from_log ? std::vector<std::int64_t>{} : a->opts.load_groups_if_any();
    EM_EXPECTS(a->opts.views_paths.empty() || a->opts.views_paths.size() == ckpts.size(), "--views gives ",
               a->opts.views_paths.size(), " files for ", ckpts.size(), " checkpoints: give one per checkpoint");
    const resources res = common.make_resources();
    auto params = a->opts.params(common);
    params.covariance_spectrum = !a->html_path.empty();

    std::vector<report_result> results;
    std::int64_t width = -1;
    progress bar(from_log ? 0 : n_ckpt);
    for (int c = 0; !from_log && c < n_ckpt; ++c) {
      bar.update(c, "checkpoint " + std::to_string(c + 1) + ": loading " + base_name(ckpts[c]));
      if (auto d = evaluate_distributed(*dist, common, a->opts, ckpts[c], static_cast<std::size_t>(c))) {  // under mpirun: rank 0 prints
        EM_EXPECTS(a->html_path.empty() && a->plot_path.empty(), "--html and --plot are not distributed");
        if (!d->prints) std::cout.setstate(std::ios::failbit);
        results.push_back(std::move(d->result));
      } else {
        const auto emb = a->opts.input.load(ckpts[c]);
        if (width < 0) width = emb.matrix.cols();
        EM_EXPECTS(emb.matrix.cols() == width, "checkpoint ", ckpts[c], " has ", emb.matrix.cols(),
                   " dimensions but ", ckpts[0], " has ", width,
                   "; all checkpoints of one trajectory need the same width");
        // Each checkpoint drops its own NaN/Inf rows: its labels follow them.
        const auto labels =
            with_labels ? labels_of_kept_rows(all_labels, emb, ckpts[c], a->opts.labels_path)
                        : std::vector<std::int64_t>{};
        params.progress = [&bar, c, &ckpts](const std::string& step, int, int) {
          bar.update(
              c, "checkpoint " + std::to_string(c + 1) + " (" + base_name(ckpts[c]) + "): " + step);
        };
        const host_matrix views =
            a->opts.load_views_if_any(static_cast<std::size_t>(c), emb, ckpts[c]);
        params.views = views.view();
        const auto groups = all_groups.empty() ? std::vector<std::int64_t>{}
                                               : labels_of_kept_rows(all_groups, emb, ckpts[c],
                                                                     a->opts.groups_path);
        params.groups = label_view(groups);
        results.push_back(evaluate_file(res, ckpts[c], emb.matrix.view(), labels, params));
        params.views = {};
        params.groups = {};
      }
      json row;
      row["path"] = ckpts[c];
      row.update(report_json(results.back(), with_labels));
      rows.push_back(std::move(row));
    }
    bar.finish();
    for (std::size_t c = 0; c < lp.size(); ++c) rows[c]["lp_accuracy"] = lp[c];

    // Correlations of every metric with the reference series: --reference,
    // else the LP accuracy, else AMI against the labels.
    std::string ref_key = a->reference;
    if (!ref_key.empty())
      EM_EXPECTS(rows.front().contains(ref_key) && rows.front()[ref_key].is_number(),
                 "--reference ", ref_key,
                 ": the rows have no such number; use one of their columns");
    for (const char* k : {"lp_accuracy", "lp_acc", "ami_c1_gt"})
      if (ref_key.empty() && rows.front().contains(k) && rows.front()[k].is_number()) ref_key = k;
    const bool have_ref = !ref_key.empty();
    const auto keys = from_log ? plotted_metrics(rows, ref_key) : metric_keys(with_labels);
    json corr = json::object();
    const bootstrap_params bootstrap;
    const int first = std::min(a->skip_first, n_ckpt);
    // The numbers of a column from checkpoint `first` on, up to the first row without one.
    auto numbers_from_first = [&](const std::string& key) {
      std::vector<double> v;
      for (int c = first; c < n_ckpt; ++c) {
        const auto& x = rows[static_cast<std::size_t>(c)][key];
        if (!x.is_number()) break;
        v.push_back(x.get<double>());
      }
      return v;
    };
    if (have_ref && n_ckpt - first < 2) {
      std::cerr << "embed-metrics: fewer than 2 checkpoints left after --skip-first "
                << a->skip_first << ": no correlations\n";
    } else if (have_ref) {
      const std::vector<double> ref = numbers_from_first(ref_key);
      EM_EXPECTS(static_cast<int>(ref.size()) == n_ckpt - first, "checkpoint ", first + ref.size(),
                 " has no ", ref_key, "; the correlations need it in every row");
      for (const auto& key : keys) {
        if (key == ref_key) continue;
        const std::vector<double> xs = numbers_from_first(key);
        if (xs.size() != ref.size()) continue;
        const auto r = correlate(xs, ref);
        // The same resamples of the checkpoints for every metric (one key).
        const auto ci = bootstrap_correlations(xs, ref, bootstrap);
        auto num_or_null = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
        auto range_of = [&](const interval& i) { return json::array({num_or_null(i.low), num_or_null(i.high)}); };
        corr[key] = {{"spearman", num_or_null(r.spearman)},
                     {"pearson", num_or_null(r.pearson)},
                     {"kendall", num_or_null(r.kendall)},
                     {"spearman_ci", range_of(ci.spearman)},
                     {"pearson_ci", range_of(ci.pearson)},
                     {"kendall_ci", range_of(ci.kendall)}};
      }
    }

    std::vector<std::string> xl;
    for (int c = 0; c < n_ckpt; ++c) {
      const auto& row = rows[static_cast<std::size_t>(c)];
      const json step = row.contains("step")    ? row["step"]
                        : row.contains("epoch") ? row["epoch"]
                                                : json(c);
      xl.push_back(cell(step, false));
    }
    std::vector<std::string> plotted;
    for (const auto& key : keys)
      if (key != ref_key && std::any_of(rows.begin(), rows.end(), [&](const json& r) {
            const auto it = r.find(key);
            return it != r.end() && it->is_number();
          }))
        plotted.push_back(key);
    const auto figure = track_figure("embed-metrics track: each metric by checkpoint", xl, rows,
                                     plotted, ref_key, corr, a->correlation, first);
    if (!a->plot_path.empty()) {
      write_text_output(a->plot_path, svg_plot(figure), "--plot");
    }
    if (!a->html_path.empty()) {
      html_report_input page;
      page.title = "embed-metrics track: " + std::to_string(n_ckpt) + " checkpoints";
      page.small_multiples_svg = svg_plot_element(figure);
      page.reference_key = ref_key;
      page.correlations = corr;
      page.skip_first = first;
      for (auto it = rows.front().begin(); it != rows.front().end(); ++it)
        if (it.key() != "path") page.columns.push_back(it.key());
      for (int c = 0; c < n_ckpt; ++c) {
        const auto i = static_cast<std::size_t>(c);
        html_checkpoint cp{from_log ? xl[i] : base_name(ckpts[i]), rows[i], {}, {}};
        if (!from_log)
          cp.spectrum = results[i].covariance_spectrum, cp.cluster_sizes = results[i].cluster_sizes;
        page.checkpoints.push_back(std::move(cp));
      }
      std::string files;
      for (const auto& f : from_log ? std::vector<std::string>{a->from_log} : ckpts)
        files += (files.empty() ? "" : " ") + f;
      page.inputs = {{from_log ? "metrics log" : "checkpoints", files},
                     {"lp accuracy", a->lp_path.empty() ? "-" : a->lp_path},
                     {"labels", a->opts.labels_path.empty() ? "-" : a->opts.labels_path},
                     {"k", from_log ? "-" : std::to_string(results.front().k)},
                     {"metric", a->opts.metric + (a->opts.normalize ? ", normalised" : "")},
                     {"seed", std::to_string(common.seed)},
                     {"device", from_log ? "-" : results.front().device},
                     {"skip first", std::to_string(first)},
                     {"embed-metrics", version_string}};
      if (a->opts.seeds > 1)  // --seeds: the seed pairs, beside the first seed
        page.inputs.insert(page.inputs.begin() + 6, {"seeds", std::to_string(a->opts.seeds)});
      write_text_output(a->html_path, html_report(page), "--html");
    }

    if (common.format == "json") {
      json out;
      out["checkpoints"] = rows;
      out["reference"] = have_ref ? json(ref_key) : json(nullptr);
      out["skip_first"] = a->skip_first;
      out["correlations"] = corr;
      out["bootstrap"] = {{"resamples", bootstrap.resamples},
                          {"confidence", bootstrap.confidence},
                          {"seed", bootstrap.seed},
                          {"method", "percentile interval; checkpoints resampled with replacement"}};
      std::cout << out.dump(2) << '\n';
    } else if (common.format == "csv") {
      print_records(std::cout, rows, "csv");
    } else {
      std::vector<json> table;
      for (auto row : rows) {
        if (row.contains("path") && row["path"].is_string())
          row["path"] = base_name(row["path"].get<std::string>());
        for (const char* key : {"device", "n", "d"}) row.erase(key);
        table.push_back(std::move(row));
      }
      print_records(std::cout, table, "table");
      if (!corr.empty()) {
        std::cout << "\nCorrelation with " << ref_key;
        if (first > 0) std::cout << " (first " << first << " checkpoints left out)";
        std::cout << ":\n";
        std::vector<json> ct;
        for (auto& [k, v] : corr.items()) {
          json r;
          r["metric"] = k;
          for (const char* m : {"spearman", "pearson", "kendall"}) {
            r[m] = v[m];
            r[std::string(m) + "_95ci"] = interval_text(v[std::string(m) + "_ci"]);
          }
          ct.push_back(std::move(r));
        }
        print_records(std::cout, ct, "table");
        std::cout << "95ci: 95 % bootstrap interval over the " << n_ckpt - first << " checkpoints ("
                  << bootstrap.resamples
                  << " resamples with replacement, percentile); one that holds 0 means these "
                     "checkpoints cannot tell the sign\n";
      }
      if (a->opts.explain) print_explanations(std::cout, with_labels);
    }
    return 0;
  };
}

const registrar reg{{"track", "The report for many checkpoints and its correlation with LP accuracy",
                     setup, 20}};

}  // namespace
}  // namespace embed_metrics::cli
