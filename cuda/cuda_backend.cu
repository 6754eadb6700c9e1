// The CUDA backend's table. Its families are added as the drivers move onto
// the backend interface; the device family (contexts, streams, memory) is
// what the core library needs to make CUDA resources.

#include "backend/backend.hpp"
#include "cuda/core/device_ops.hpp"

namespace embed_metrics::gpu {

const detail::backend& backend_table() {
  static const detail::backend table = [] {
    detail::backend b;
    b.name = "cuda";
    b.device = &device_family();
    return b;
  }();
  return table;
}

}  // namespace embed_metrics::gpu
