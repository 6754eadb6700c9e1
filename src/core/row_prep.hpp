#pragma once
// Row preparation shared by every distance-based metric (k-means, silhouette,
// kNN): the rows are moved into a frame where the float32 expansion
// ||x||^2 + ||y||^2 - 2 x.y is accurate whatever the caller's origin and
// scale.
//
// Euclidean geometry: prepared = (x - offset) * 2^-exponent. The offset of
// each column is the median of a fixed sample of its rows, rounded to a
// multiple of 2^(exponent - 12); the exponent puts the largest deviation
// from the offsets in [1, 2). Centring removes the cancellation of data far
// from the origin relative to its spread (scikit-learn centres on the mean
// before k-means); a median keeps the origin with the bulk of the points
// where one far outlier would drag the mean away from them. The coarse
// offset keeps x - offset exact wherever x and the offset share that grid
// (integer and other gridded data, and any x not much smaller than its
// deviation): exact ties stay exact, and data shifted by a multiple of the
// grid give bit-identical prepared rows. The power-of-two scale is exact
// too, so data that differ only by a power of two also give bit-identical
// prepared rows, and squares neither overflow (values ~1e25) nor underflow
// (values ~1e-25, subnormals).
// Cosine geometry is not translation invariant: rows are only divided by
// their norm (computed in double), with the caller's zero-row policy.

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "embed_metrics/matrix.hpp"
#include "core/internal_api.hpp"

namespace embed_metrics::detail {

/// The geometry the prepared rows serve.
enum class row_geometry {
  euclidean,  ///< centre on the column medians, scale by a power of two
  cosine,     ///< unit L2 norm per row, no centring
};

/// What an all-zero row becomes under the cosine geometry.
enum class zero_row_policy {
  keep,    ///< stays zero (the distance-1-from-everything convention of kNN and silhouette)
  reject,  ///< invalid_argument naming the row (spherical k-means)
};

/// The frame the prepared rows live in (see the file comment).
struct row_frame {
  row_geometry geometry = row_geometry::euclidean;
  zero_row_policy zeros = zero_row_policy::keep;
  std::vector<double> offset;  ///< d column origins (euclidean, see above), empty for cosine
  int exponent = 0;            ///< caller units = prepared units * 2^exponent (0 for cosine)
};

/// The frame of @p x (host rows, finite): per column the range (fixed row
/// blocks, independent of @p threads) and the median of the sample rows
/// (row_frame_sample_row), with the deviations of every view in
/// @p also_cover (for example initial centres, which must fit the same
/// frame without overflow) in the exponent. With @p only_rows, the frame of
/// those rows of @p x alone (a sample).
[[nodiscard]] EMBED_METRICS_INTERNAL_API row_frame
fit_row_frame(matrix_view x, row_geometry geometry, zero_row_policy zeros, int threads,
              std::initializer_list<matrix_view> also_cover = {},
              const std::vector<std::int64_t>* only_rows = nullptr);

/// What the euclidean frame is computed from, on the host or (the CUDA
/// backend) on the device: per block of rows (row_frame_block_rows) and
/// column the minimum and the maximum (blocks x cols, row-major), and the
/// sample rows (sample_rows x cols, row-major).
struct EMBED_METRICS_INTERNAL_API column_stats {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t blocks = 0;
  std::vector<float> lo;
  std::vector<float> hi;
  std::int64_t sample_rows = 0;
  std::vector<float> sample;
  /// Size for @p rows x @p cols and reset (lo +inf, hi -inf).
  void resize(std::int64_t rows_, std::int64_t cols_);
};

/// Rows per block of column_stats for @p n rows (from the shape alone).
[[nodiscard]] EMBED_METRICS_INTERNAL_API std::int64_t row_frame_block_rows(std::int64_t n) noexcept;

/// Row index of sample row @p t of column_stats for @p n rows: evenly
/// spread, from the shape alone (at most 1023 rows, so the medians cost
/// O(d) next to the O(n d) pass).
[[nodiscard]] std::int64_t row_frame_sample_row(std::int64_t t, std::int64_t n) noexcept;

/// The euclidean frame from column statistics of at least one row, with
/// @p also_cover (host views) as in fit_row_frame.
[[nodiscard]] EMBED_METRICS_INTERNAL_API row_frame
finish_row_frame(const column_stats& stats, zero_row_policy zeros,
                 std::initializer_list<matrix_view> also_cover = {});

/// One row of @p d floats into the frame: dst = (src - offset) * 2^-exponent,
/// or src / ||src|| for cosine (zero rows stay zero; the policy is applied
/// by the matrix form). Returns false for a zero row under cosine.
bool prepare_row(const float* src, std::int64_t d, const row_frame& frame, float* dst) noexcept;

/// A packed copy of @p x in @p frame. @p name is the argument named when a
/// zero row is rejected under the cosine geometry.
[[nodiscard]] host_matrix prepare_rows(matrix_view x, const row_frame& frame, const char* name,
                                       int threads);

/// Rows of @p prepared (packed, in @p frame) back in the caller's units:
/// prepared * 2^exponent + offset, in double, rounded once to float.
[[nodiscard]] host_matrix restore_rows(const host_matrix& prepared, const row_frame& frame);

}  // namespace embed_metrics::detail
