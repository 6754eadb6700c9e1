// The library's exceptions become Python exceptions with the same message.
// The classes are defined in Python (embed_metrics/errors.py, so that each
// can derive from both the package's Error and ValueError / OSError /
// RuntimeError) and handed over once at import.

#include <Python.h>

#include <exception>

#include "bindings.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::python {
namespace nb = nanobind;
namespace {

// Held for the life of the process: the translator may run during shutdown.
struct error_types {
  PyObject* base = nullptr;
  PyObject* invalid_argument = nullptr;
  PyObject* io = nullptr;
  PyObject* format = nullptr;
  PyObject* backend_unavailable = nullptr;
  PyObject* cuda = nullptr;
};
error_types types;

void set(PyObject* type, const char* what) { PyErr_SetString(type ? type : PyExc_RuntimeError, what); }

void translate(const std::exception_ptr& p, void* /*payload*/) {
  try {
    std::rethrow_exception(p);
  } catch (const interrupted& e) {
    PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
  } catch (const format_error& e) {
    set(types.format, e.what());
  } catch (const io_error& e) {
    set(types.io, e.what());
  } catch (const invalid_argument& e) {
    set(types.invalid_argument, e.what());
  } catch (const backend_unavailable& e) {
    set(types.backend_unavailable, e.what());
  } catch (const cuda_error& e) {
    set(types.cuda, e.what());
  } catch (const out_of_memory& e) {
    PyErr_SetString(PyExc_MemoryError, e.what());
  } catch (const error& e) {
    set(types.base, e.what());
  }
}

PyObject* keep(nb::handle h) {
  Py_INCREF(h.ptr());
  return h.ptr();
}

}  // namespace

void bind_errors(nb::module_& m) {
  nb::register_exception_translator(&translate);
  m.def(
      "_register_errors",
      [](nb::handle base, nb::handle invalid, nb::handle io, nb::handle format, nb::handle backend,
         nb::handle cuda) {
        types = {keep(base), keep(invalid), keep(io), keep(format), keep(backend), keep(cuda)};
      },
      "Error, InvalidArgumentError, FileError, FormatError, BackendUnavailableError, CudaError");
}

}  // namespace embed_metrics::python
