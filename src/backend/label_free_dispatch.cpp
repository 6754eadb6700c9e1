// The label-free families of a resources handle's backend.

#include "backend/backend.hpp"
#include "backend/label_free_dispatch.hpp"

namespace embed_metrics::detail {

const sphere_ops& sphere_ops_for(const resources& res) { return *backend_for(res).sphere; }
const cluster_score_ops& cluster_score_ops_for(const resources& res) {
  return *backend_for(res).cluster_scores;
}
const spectrum_ops& spectrum_ops_for(const resources& res) { return *backend_for(res).spectrum; }

}  // namespace embed_metrics::detail
