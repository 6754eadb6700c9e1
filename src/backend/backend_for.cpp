// The backend of a resources handle: the CPU table, or the CUDA module's,
// loaded when the first CUDA handle is made (src/backend/cuda_module.cpp).

#include "backend/backend.hpp"
#include "backend/cuda_module.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

const backend& backend_for(const resources& res) {
  return res.is_cuda() ? cuda_backend() : cpu::backend_table();
}

}  // namespace embed_metrics::detail
