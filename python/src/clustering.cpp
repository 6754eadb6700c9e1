#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include <optional>
#include <string>

#include "arrays.hpp"
#include "bindings.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/silhouette.hpp"

namespace embed_metrics::python {
using namespace nanobind::literals;
namespace {

kmeans_metric parse_kmeans_metric(const std::string& name) {
  if (name == "euclidean") return kmeans_metric::euclidean;
  if (name == "cosine") return kmeans_metric::cosine;
  throw invalid_argument("metric = '" + name + "': use 'euclidean' or 'cosine'");
}

kmeans_init parse_init(const std::string& name) {
  if (name == "k-means++") return kmeans_init::kmeans_plus_plus;
  if (name == "random") return kmeans_init::random;
  if (name == "given") return kmeans_init::given;
  throw invalid_argument("init = '" + name + "': use 'k-means++', 'random' or an array of centres");
}

nb::tuple kmeans_py(const resources& res, const any_array& x, std::int64_t k, const std::string& init,
                    const std::optional<any_array>& centers, int n_init, int max_iter, double tol,
                    std::uint64_t seed, const std::string& metric) {
  kmeans_params p;
  p.k = k;
  p.init = parse_init(init);
  if (centers) p.initial_centers = as_matrix(*centers, "init");
  p.n_init = n_init;
  p.max_iter = max_iter;
  p.tol = tol;
  p.seed = seed;
  p.metric = parse_kmeans_metric(metric);
  const matrix_view xv = as_matrix(x, "X");
  kmeans_result r;
  {
    nb::gil_scoped_release nogil;
    r = kmeans(res, xv, p);
  }
  const auto n = r.labels.size();
  return nb::make_tuple(to_numpy(std::move(r.centers)), to_numpy(std::move(r.labels), {n}), r.inertia, r.n_iter,
                        r.converged, r.seed);
}

nb::ndarray<nb::numpy, std::int64_t> predict_py(const resources& res, const any_array& x, const any_array& centers,
                                                const std::string& metric) {
  const matrix_view xv = as_matrix(x, "X");
  const matrix_view cv = as_matrix(centers, "cluster_centers_");
  const kmeans_metric km = parse_kmeans_metric(metric);
  std::vector<std::int64_t> labels;
  {
    nb::gil_scoped_release nogil;
    labels = kmeans_predict(res, xv, cv, km);
  }
  const auto n = labels.size();
  return to_numpy(std::move(labels), {n});
}

// mode: "exact", "sampled" (sample_size rows drawn with seed) or "simplified".
nb::tuple silhouette_py(const resources& res, const any_array& x, const any_array& labels,
                        const std::string& metric, bool per_sample, const std::string& mode,
                        std::int64_t sample_size, std::uint64_t seed) {
  silhouette_params p;
  p.metric = parse_silhouette_metric(metric);
  p.per_sample = per_sample;
  const matrix_view xv = as_matrix(x, "X");
  const label_view lv = as_labels(labels, "labels");
  if (mode != "exact" && mode != "sampled" && mode != "simplified")
    throw invalid_argument("mode = '" + mode + "': use 'exact', 'sampled' or 'simplified'");
  silhouette_result r;
  {
    nb::gil_scoped_release nogil;
    if (mode == "sampled")
      r = silhouette_sampled(res, xv, lv, sample_size, seed, p);
    else if (mode == "simplified")
      r = silhouette_simplified(res, xv, lv, p);
    else
      r = silhouette(res, xv, lv, p);
  }
  nb::object samples = nb::none();
  if (per_sample) {
    const auto n = r.samples.size();
    samples = nb::cast(to_numpy(std::move(r.samples), {n}));
  }
  const auto m = r.sample_rows.size();
  return nb::make_tuple(r.score, samples, to_numpy(std::move(r.sample_rows), {m}), r.exact);
}

nb::dict agreement_py(const resources& res, const any_array& a, const any_array& b, const std::string& average,
                      double beta, bool accuracy) {
  agreement_params p;
  p.average = parse_average_method(average);
  p.beta = beta;
  p.accuracy = accuracy;
  const label_view av = as_labels(a, "labels_true");
  const label_view bv = as_labels(b, "labels_pred");
  agreement_result r;
  {
    nb::gil_scoped_release nogil;
    r = agreement(res, av, bv, p);
  }
  nb::dict d;
  d["n"] = r.n;
  d["clusters_true"] = r.clusters_a;
  d["clusters_pred"] = r.clusters_b;
  d["ari"] = r.ari;
  d["ami"] = r.ami;
  d["nmi"] = r.nmi;
  d["mi"] = r.mi;
  d["homogeneity"] = r.homogeneity;
  d["completeness"] = r.completeness;
  d["v_measure"] = r.v_measure;
  d["fowlkes_mallows"] = r.fowlkes_mallows;
  d["purity"] = r.purity;
  d["accuracy"] = r.accuracy;
  d["entropy_true"] = r.entropy_a;
  d["entropy_pred"] = r.entropy_b;
  d["expected_mi"] = r.expected_mi;
  return d;
}

}  // namespace

void bind_clustering(nb::module_& m) {
  m.def("kmeans", &kmeans_py, "res"_a, "x"_a, "k"_a, "init"_a, "centers"_a.none(), "n_init"_a, "max_iter"_a,
        "tol"_a, "seed"_a, "metric"_a,
        "k-means: (centers, labels, inertia, n_iter, converged, seed) of the best of n_init runs");
  m.def("kmeans_predict", &predict_py, "res"_a, "x"_a, "centers"_a, "metric"_a, "The nearest centre of each row");
  m.def("silhouette", &silhouette_py, "res"_a, "x"_a, "labels"_a, "metric"_a, "per_sample"_a, "mode"_a,
        "sample_size"_a, "seed"_a, "Silhouette: (score, samples or None, sample_rows, exact)");
  m.def("agreement", &agreement_py, "res"_a, "labels_true"_a, "labels_pred"_a, "average"_a, "beta"_a,
        "accuracy"_a, "Every agreement score of two labelings, as a dict");
}

}  // namespace embed_metrics::python
