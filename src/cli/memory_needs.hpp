#pragma once
// The least memory each job of the tool needs, from the sizes alone, so that
// a request that cannot fit (a huge --bins, k, --n-init) is refused before
// anything is allocated, naming the bytes and the machine's memory. These are
// lower bounds (the main buffers only): a job refused by them cannot run.

#include <cstdint>

namespace embed_metrics::cli {

/// k-means of n x d rows, @p runs runs of k centres: per run the labels
/// (int32 working copy and the int64 result) and the centres (float) with
/// their sums (double).
[[nodiscard]] std::uint64_t kmeans_bytes(std::int64_t n, std::int64_t d, std::int64_t k,
                                         std::int64_t runs);

/// The k nearest neighbours of n rows: an index and a distance each, for the
/// candidates and the result.
[[nodiscard]] std::uint64_t knn_bytes(std::int64_t n, std::int64_t k);

/// Histograms of @p bins bins over columns of n values, one per thread.
[[nodiscard]] std::uint64_t histogram_bytes(std::int64_t n, std::int64_t bins, int threads);

}  // namespace embed_metrics::cli
