#pragma once
// C1's cluster sizes for every checkpoint: one bar per checkpoint split into
// its clusters, largest first, so a degenerate clustering (one cluster holding
// most points) stands out.

#include <cstdint>
#include <string>
#include <vector>

namespace embed_metrics::cli {

/// An <svg> element with one stacked bar per checkpoint (empty sizes skipped).
std::string svg_cluster_sizes(const std::vector<std::vector<std::int64_t>>& sizes,
                              const std::vector<std::string>& checkpoint_labels);

}  // namespace embed_metrics::cli
