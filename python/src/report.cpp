#include <nanobind/stl/function.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <Python.h>

#include <optional>
#include <string>

#include "arrays.hpp"
#include "bindings.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/report_metrics.hpp"

namespace embed_metrics::python {
using namespace nanobind::literals;
namespace {

nb::object opt(const std::optional<double>& v) { return v ? nb::cast(*v) : nb::none(); }

nb::dict evaluate_py(const resources& res, const any_array& x, const std::optional<any_array>& labels,
                     std::int64_t k, std::uint64_t seed, int seeds, const std::string& metric, bool normalize,
                     int kmeans_max_iter, int knn_entropy_k, int knn_classifier_k, bool clustering, bool entropy,
                     bool spectrum, nb::object progress, const std::optional<any_array>& views,
                     const std::optional<any_array>& groups) {
  report_params p;
  p.k = k;
  p.seed = seed;
  p.seeds = seeds;
  p.metric = parse_distance_metric(metric);
  p.normalize = normalize;
  p.kmeans_max_iter = kmeans_max_iter;
  p.knn_entropy_k = knn_entropy_k;
  p.knn_classifier_k = knn_classifier_k;
  p.clustering = clustering;
  p.entropy = entropy;
  p.spectrum = spectrum;
  // Between steps: take the GIL back, let Python run its signal handlers
  // (Ctrl-C raises KeyboardInterrupt there) and the caller's callback; a
  // Python exception from either stops the report and reaches the caller.
  // The callback is held by a borrowed handle (the argument outlives the
  // call), so that copies of the std::function made without the GIL touch no
  // reference count.
  const nb::handle callback = progress;
  p.progress = [callback](const std::string& step, int done, int total) {
    nb::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
    if (!callback.is_none()) callback(step, done, total);
  };
  const matrix_view xv = as_matrix(x, "X");
  const label_view lv = labels ? as_labels(*labels, "labels") : label_view{};
  // The second view (alignment) and the view groups (LiDAR), when given.
  p.views = views ? as_matrix(*views, "views") : matrix_view{};
  p.groups = groups ? as_labels(*groups, "groups") : label_view{};
  report_result r;
  {
    nb::gil_scoped_release nogil;
    r = evaluate(res, xv, lv, p);
  }
  nb::dict d;
  d["n"] = r.n;
  d["d"] = r.d;
  d["k"] = r.k;
  if (r.seeds > 1) d["seeds"] = r.seeds;
  // Every registry metric (the label-based ones too, None without labels),
  // each followed by its spread over the seed pairs and why it is undefined.
  for (const auto& m : report_metrics()) {
    const std::string key(m.key);
    d[key.c_str()] = opt(metric_value(r, m.key));
    if (const auto it = r.seed_std.find(m.key); it != r.seed_std.end())
      d[spread_key(m.key).c_str()] = it->second;
    if (const auto it = r.undefined_reasons.find(m.key); it != r.undefined_reasons.end())
      d[(key + "_reason").c_str()] = it->second;
  }
  d["device"] = r.device;
  d["seconds"] = r.seconds;
  return d;
}

nb::list report_metrics_py() {
  nb::list out;
  for (const auto& m : report_metrics()) {
    nb::dict e;
    e["key"] = std::string(m.key);
    e["unit"] = std::string(m.unit);
    e["meaning"] = std::string(m.meaning);
    e["source"] = std::string(m.source);
    e["needs_labels"] = m.needs_labels;
    e["seed_dependent"] = m.seed_dependent;
    e["step"] = std::string(m.step);
    out.append(e);
  }
  return out;
}

}  // namespace

void bind_report(nb::module_& m) {
  m.def("evaluate", &evaluate_py, "res"_a, "x"_a, "labels"_a.none(), "k"_a, "seed"_a, "seeds"_a, "metric"_a, "normalize"_a,
        "kmeans_max_iter"_a, "knn_entropy_k"_a, "knn_classifier_k"_a, "clustering"_a, "entropy"_a, "spectrum"_a,
        "progress"_a.none(), "views"_a.none(), "groups"_a.none(), "The label-free report, as a dict with the tool's JSON keys");
  m.def("report_metrics", &report_metrics_py,
        "The report's metrics, in output order: key, unit, meaning, source, needs_labels, "
        "seed_dependent, step");
}

}  // namespace embed_metrics::python
