#pragma once
// EMBED_METRICS_INTERNAL_API: an internal function that the tool and the CUDA
// module call across the shared library's boundary, so the library exports it
// beside its public API (as fmt exports some of fmt::detail). Both ship with
// the library and come from the same build (the module checks the backend ABI
// version), so these are not a stable interface: their headers are not
// installed. Keep the list short; the internal tests link the library's
// objects and need none of it.

#include "embed_metrics/export.hpp"

#define EMBED_METRICS_INTERNAL_API EMBED_METRICS_API
