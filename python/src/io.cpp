#include <nanobind/stl/string.h>

#include <string>

#include "arrays.hpp"
#include "bindings.hpp"
#include "embed_metrics/io.hpp"

namespace embed_metrics::python {
using namespace nanobind::literals;
namespace {

load_options options(const std::string& array, bool drop_nonfinite) {
  load_options o;
  o.array = array;
  o.drop_nonfinite = drop_nonfinite;
  return o;
}

nb::ndarray<nb::numpy, float> load_embeddings_py(const std::string& path, const std::string& array,
                                                 bool drop_nonfinite) {
  loaded_embeddings e;
  {
    nb::gil_scoped_release nogil;
    e = load_embeddings(path, options(array, drop_nonfinite));
  }
  return to_numpy(std::move(e.matrix));
}

nb::ndarray<nb::numpy, std::int64_t> load_labels_py(const std::string& path, const std::string& array) {
  std::vector<std::int64_t> labels;
  {
    nb::gil_scoped_release nogil;
    labels = load_labels(path, options(array, false));
  }
  const auto n = labels.size();
  return to_numpy(std::move(labels), {n});
}

}  // namespace

void bind_io(nb::module_& m) {
  m.def("load_embeddings", &load_embeddings_py, "path"_a, "array"_a, "drop_nonfinite"_a,
        "Embeddings from .npy, .npz, .safetensors or CSV, as float32");
  m.def("load_labels", &load_labels_py, "path"_a, "array"_a, "Integer labels from a file, as int64");
}

}  // namespace embed_metrics::python
