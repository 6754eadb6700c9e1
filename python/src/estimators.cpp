#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "embed_metrics/correlation.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/knn.hpp"

namespace embed_metrics::python {
using namespace nanobind::literals;
namespace {

knn_metric parse_knn_metric(const std::string& name) {
  if (name == "euclidean") return knn_metric::euclidean;
  if (name == "cosine") return knn_metric::cosine;
  throw invalid_argument("metric = '" + name + "': use 'euclidean' or 'cosine'");
}

entropy_unit unit_of(bool bits) { return bits ? entropy_unit::bits : entropy_unit::nats; }

nb::tuple knn_py(const resources& res, const any_array& x, std::int64_t k, const std::string& metric) {
  const matrix_view xv = as_matrix(x, "X");
  const knn_params p{k, parse_knn_metric(metric)};
  knn_result r;
  {
    nb::gil_scoped_release nogil;
    r = knn(res, xv, p);
  }
  const auto n = static_cast<std::size_t>(r.n);
  const auto kk = static_cast<std::size_t>(r.k);
  return nb::make_tuple(to_numpy(std::move(r.distances), {n, kk}), to_numpy(std::move(r.indices), {n, kk}));
}

double knn_accuracy_py(const resources& res, const any_array& x, const any_array& labels, std::int64_t k,
                       const std::string& metric) {
  const matrix_view xv = as_matrix(x, "X");
  const label_view lv = as_labels(labels, "labels");
  const knn_metric km = parse_knn_metric(metric);
  nb::gil_scoped_release nogil;
  return knn_accuracy(res, xv, lv, k, km);
}

nb::dict knn_entropy_py(const resources& res, const any_array& x, std::int64_t k, bool bits) {
  const matrix_view xv = as_matrix(x, "X");
  knn_entropy_params p;
  p.k = k;
  p.unit = unit_of(bits);
  knn_entropy_result r;
  {
    nb::gil_scoped_release nogil;
    r = knn_entropy(res, xv, p);
  }
  nb::dict d;
  d["entropy"] = r.entropy;
  d["zero_distance_rows"] = r.zero_distance_rows;
  d["zero_eps_replacement"] = r.zero_eps_replacement;
  return d;
}

// bins = 0 asks for the Freedman-Diaconis rule.
nb::dict histogram_entropy_py(const resources& res, const any_array& x, std::int64_t bins, bool miller_madow,
                              bool bits) {
  const matrix_view xv = as_matrix(x, "X");
  histogram_params p;
  p.rule = bins == 0 ? bin_rule::freedman_diaconis : bin_rule::fixed;
  if (bins != 0) p.bins = bins;
  p.miller_madow = miller_madow;
  p.unit = unit_of(bits);
  histogram_entropy_result r;
  {
    nb::gil_scoped_release nogil;
    r = histogram_entropy(res, xv, p);
  }
  nb::dict d;
  d["entropy"] = r.entropy;
  const auto nd = r.per_dimension.size();
  d["per_dimension"] = to_numpy(std::move(r.per_dimension), {nd});
  d["per_dimension_differential"] = to_numpy(std::move(r.per_dimension_differential), {nd});
  d["differential_entropy"] = r.differential_entropy ? nb::cast(*r.differential_entropy) : nb::none();
  d["bins"] = to_numpy(std::move(r.bins), {nd});
  d["constant_dimensions"] = r.constant_dimensions;
  return d;
}

nb::dict gaussian_entropy_py(const resources& res, const any_array& x, bool bits) {
  const matrix_view xv = as_matrix(x, "X");
  gaussian_entropy_params p;
  p.unit = unit_of(bits);
  gaussian_entropy_result r;
  {
    nb::gil_scoped_release nogil;
    r = gaussian_entropy(res, xv, p);
  }
  nb::dict d;
  d["entropy"] = r.entropy;
  d["log_det"] = r.log_det;
  d["eigenvalue_floor"] = r.eigenvalue_floor;
  d["null_eigenvalues"] = r.null_eigenvalues;
  return d;
}

nb::tuple effective_rank_py(const resources& res, const any_array& x) {
  const matrix_view xv = as_matrix(x, "X");
  effective_rank_result r;
  {
    nb::gil_scoped_release nogil;
    r = effective_rank(res, xv);
  }
  const auto m = r.singular_values.size();
  return nb::make_tuple(r.effective_rank, to_numpy(std::move(r.singular_values), {m}));
}

nb::dict correlate_py(const std::vector<double>& x, const std::vector<double>& y) {
  const correlations c = correlate(x, y);
  nb::dict d;
  d["pearson"] = c.pearson;
  d["spearman"] = c.spearman;
  d["kendall"] = c.kendall;
  return d;
}

}  // namespace

void bind_estimators(nb::module_& m) {
  m.def("knn", &knn_py, "res"_a, "x"_a, "k"_a, "metric"_a, "Exact kNN, self excluded: (distances, indices)");
  m.def("knn_accuracy", &knn_accuracy_py, "res"_a, "x"_a, "labels"_a, "k"_a, "metric"_a,
        "Leave-one-out kNN classifier accuracy");
  m.def("knn_entropy", &knn_entropy_py, "res"_a, "x"_a, "k"_a, "bits"_a, "Kozachenko-Leonenko entropy");
  m.def("histogram_entropy", &histogram_entropy_py, "res"_a, "x"_a, "bins"_a, "miller_madow"_a, "bits"_a,
        "Per-dimension histogram entropy (bins = 0: Freedman-Diaconis)");
  m.def("gaussian_entropy", &gaussian_entropy_py, "res"_a, "x"_a, "bits"_a, "Entropy of the fitted Gaussian");
  m.def("effective_rank", &effective_rank_py, "res"_a, "x"_a, "RankMe: (effective rank, singular values)");
  m.def("correlate", &correlate_py, "x"_a, "y"_a, "Pearson, Spearman and Kendall correlation");
}

}  // namespace embed_metrics::python
