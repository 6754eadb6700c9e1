#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>

#include <cstdint>

#include "arrays.hpp"
#include "bindings.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::python {
using namespace nanobind::literals;

void bind_resources(nb::module_& m) {
  nb::class_<resources>(m, "Resources", "Where work runs: a device and a CPU thread count (one per host thread)")
      .def(nb::init<std::string_view, int>(), "device"_a = "auto", "threads"_a = 0)
      .def_prop_ro("device", &resources::device_string)
      .def_prop_ro("threads", &resources::threads)
      .def_prop_ro("is_cuda", &resources::is_cuda)
      .def("describe", &resources::describe)
      .def(
          "set_stream", [](resources& r, std::uintptr_t stream) { r.set_stream(reinterpret_cast<void*>(stream)); },
          "stream"_a, "Order work on this cudaStream_t (an integer, as torch's or CuPy's stream pointer)")
      .def("synchronize", &resources::synchronize, nb::call_guard<nb::gil_scoped_release>());
  m.def("cuda_compiled", &cuda_compiled, "True when this build has the CUDA backend");
  m.def("cuda_device_count", &cuda_device_count, "Usable CUDA devices (0 without the backend or a GPU)");
  m.def(
      "_input_pointer", [](const any_array& x) { return reinterpret_cast<std::uintptr_t>(as_matrix(x, "X").data); },
      "x"_a, "The address the library reads X at (for checking that no copy was made)");
}

}  // namespace embed_metrics::python
