#pragma once
// Labels or group ids (any int64 values) as dense ids 0 .. k - 1 in order of
// first appearance, for the drivers of the label-free metrics.

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::detail {

struct dense_ids {
  std::vector<std::int64_t> ids;  // one per entry
  std::int64_t count = 0;         // distinct values
};

/// @p labels (host memory; @p name is the argument an error names).
[[nodiscard]] dense_ids make_dense_ids(label_view labels, const char* name);

}  // namespace embed_metrics::detail
