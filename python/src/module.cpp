// embed_metrics._core: the library's functions over arrays, one to one. The
// scikit-learn-shaped API, input conversion and device choice live in the
// Python package above it.

#include "bindings.hpp"

// _core (CPU) or _core_cuda (the CUDA build), from the build.
#ifndef EM_PY_MODULE
#define EM_PY_MODULE _core
#endif

NB_MODULE(EM_PY_MODULE, m) {
  m.doc() = "Bindings of the embed_metrics C++ library (use the embed_metrics package, not this module)";
  embed_metrics::python::bind_errors(m);
  embed_metrics::python::bind_resources(m);
  embed_metrics::python::bind_clustering(m);
  embed_metrics::python::bind_estimators(m);
  embed_metrics::python::bind_report(m);
  embed_metrics::python::bind_io(m);
}
