// Stop-gap dispatch of the label-free families (see
// backend/label_free_dispatch.hpp): the CUDA instances exist only in a CUDA
// build; elsewhere CUDA resources cannot be made, so the CPU table serves.

#include "backend/label_free_dispatch.hpp"

#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

const sphere_ops& sphere_ops_for(const resources& res) {
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda()) return cuda_sphere_ops();
#endif
  (void)res;
  return cpu_sphere_ops();
}

const cluster_score_ops& cluster_score_ops_for(const resources& res) {
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda()) return cuda_cluster_score_ops();
#endif
  (void)res;
  return cpu_cluster_score_ops();
}

const spectrum_ops& spectrum_ops_for(const resources& res) {
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda()) return cuda_spectrum_ops();
#endif
  (void)res;
  return cpu_spectrum_ops();
}

}  // namespace embed_metrics::detail
