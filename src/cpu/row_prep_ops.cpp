// CPU row preparation: the frame of core/row_prep.hpp, fitted and applied on
// the host; inputs must already be in host memory.

#include <algorithm>
#include <memory>

#include "core/validate.hpp"
#include "cpu/cpu_ops.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

class row_prep final : public detail::row_prep_ops {
 public:
  detail::prepared_rows prepare_covering(const resources& res, matrix_view x,
                                         detail::row_geometry geometry,
                                         detail::zero_row_policy zeros, const char* name,
                                         matrix_view also_cover) const override {
    detail::check_host(x, name, res);
    detail::check_host(also_cover, name, res);
    // An empty also_cover adds a spread of 0: the frame of x alone.
    return prepare_in(res, x, detail::fit_row_frame(x, geometry, zeros, res.threads(), {also_cover}),
                      name);
  }

  detail::prepared_rows prepare_in(const resources& res, matrix_view y,
                                   const detail::row_frame& frame,
                                   const char* name) const override {
    detail::check_host(y, name, res);
    auto rows = std::make_shared<host_matrix>(detail::prepare_rows(y, frame, name, res.threads()));
    detail::prepared_rows out{rows->view(), frame, nullptr};
    out.storage = std::move(rows);
    return out;
  }

  std::vector<std::int64_t> labels_on_host(const resources& res, label_view labels,
                                           const char* name) const override {
    detail::check_host(labels, name, res);
    return {labels.data, labels.data + labels.size};
  }

  host_matrix matrix_on_host(const resources& res, matrix_view x, const char* name) const override {
    detail::check_host(x, name, res);
    host_matrix out = host_matrix::uninitialized(x.rows, x.cols);
    for (std::int64_t i = 0; i < x.rows; ++i)
      std::copy(x.row(i), x.row(i) + x.cols, out.data() + i * x.cols);
    return out;
  }
};

}  // namespace

const detail::row_prep_ops& row_prep_operations() {
  static const row_prep ops;
  return ops;
}

}  // namespace embed_metrics::cpu
