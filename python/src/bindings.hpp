#pragma once
// The parts of the extension module, each filling in its functions.

#include <nanobind/nanobind.h>

namespace embed_metrics::python {

void bind_errors(nanobind::module_& m);      // exception types and their translation
void bind_resources(nanobind::module_& m);   // Resources, devices, the zero-copy probe
void bind_clustering(nanobind::module_& m);  // k-means, silhouette, agreement
void bind_estimators(nanobind::module_& m);  // kNN, entropy, spectrum, correlation
void bind_report(nanobind::module_& m);      // evaluate
void bind_io(nanobind::module_& m);          // loading embeddings and labels from files

}  // namespace embed_metrics::python
