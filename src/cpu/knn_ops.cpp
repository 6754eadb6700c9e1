// CPU kNN search: candidates from the GEMM form on the prepared rows
// (core/row_prep.hpp); the kept ones are then measured in double on the
// caller's rows, which is exact for any float input (no overflow or
// underflow in double) and already in its units.

#include <cstdint>
#include <limits>
#include <vector>

#include "cpu/cpu_ops.hpp"
#include "cpu/knn.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

class knn_search final : public detail::knn_ops {
 public:
  std::int64_t max_k() const noexcept override { return std::numeric_limits<std::int64_t>::max(); }

  knn_result search(const resources& res, matrix_view x, std::int64_t k,
                    knn_metric metric) const override {
    const detail::prepared_rows px = row_prep_operations().prepare(
        res, x,
        metric == knn_metric::cosine ? detail::row_geometry::cosine
                                     : detail::row_geometry::euclidean,
        detail::zero_row_policy::keep, "x");
    const std::int64_t cap = knn_candidates(k, x.rows);
    std::vector<std::int64_t> idx;
    knn_select(px.view, cap, metric, res.threads(), idx);
    return knn_refine(x, k, cap, metric, idx.data(), res.threads());
  }
};

}  // namespace

const detail::knn_ops& knn_operations() {
  static const knn_search ops;
  return ops;
}

}  // namespace embed_metrics::cpu
