// The backend of a resources handle. The CUDA backend is linked in when the
// build has it; a CPU-only build cannot make CUDA resources, so the throw is
// only a stand-in for a handle made some other way.

#include "backend/backend.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

const backend& backend_for(const resources& res) {
  if (!res.is_cuda()) return cpu::backend_table();
#ifdef EMBED_METRICS_HAS_CUDA
  return gpu::backend_table();
#else
  throw backend_unavailable(
      "the CUDA backend is not part of this build: use CPU resources, or "
      "build with -DEMBED_METRICS_CUDA=ON");
#endif
}

}  // namespace embed_metrics::detail
