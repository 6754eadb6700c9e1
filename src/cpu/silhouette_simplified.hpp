#pragma once
// CPU backend of the simplified silhouette (an approximation): distances of
// each point to the cluster centroids instead of to every other point.

#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/silhouette.hpp"
#include "core/row_prep.hpp"
#include "metrics/silhouette_plan.hpp"

namespace embed_metrics::cpu {

/// For each position p of @p plan: a[p] = the distance of the point to its own
/// centroid, b[p] = the distance to the nearest other centroid. Centroids are
/// the cluster means (of the unit rows, for cosine), summed in double in
/// position order, from the rows gathered into @p frame (core/row_prep).
/// Bit-identical for any @p threads.
void silhouette_centroid_distances(matrix_view x, const detail::silhouette_plan& plan,
                                   silhouette_metric metric, const detail::row_frame& frame,
                                   int threads, std::vector<double>& a,
                                   std::vector<double>& b);

}  // namespace embed_metrics::cpu
