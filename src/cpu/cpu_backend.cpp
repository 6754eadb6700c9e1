// The CPU backend's table. Its families are added as the drivers move onto
// the backend interface; device is null, the CPU has no contexts.

#include "backend/backend.hpp"

namespace embed_metrics::cpu {

const detail::backend& backend_table() {
  static const detail::backend table = [] {
    detail::backend b;
    b.name = "cpu";
    return b;
  }();
  return table;
}

}  // namespace embed_metrics::cpu
