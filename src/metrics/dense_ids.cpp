#include "metrics/dense_ids.hpp"

#include <unordered_map>

#include "core/check.hpp"

namespace embed_metrics::detail {

dense_ids make_dense_ids(label_view labels, const char* name) {
  EM_EXPECTS(labels.space == memory_space::host, name,
             " is in device memory; pass the labels in host memory (they are read once)");
  dense_ids d;
  d.ids.resize(static_cast<std::size_t>(labels.size));
  std::unordered_map<std::int64_t, std::int64_t> index;
  for (std::int64_t i = 0; i < labels.size; ++i) {
    const auto [it, fresh] = index.try_emplace(labels.data[i], d.count);
    if (fresh) ++d.count;
    d.ids[static_cast<std::size_t>(i)] = it->second;
  }
  return d;
}

}  // namespace embed_metrics::detail
