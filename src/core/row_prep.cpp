#include "core/row_prep.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/check.hpp"

namespace embed_metrics::detail {
namespace {

constexpr std::int64_t kSampleRows = 1023;
std::int64_t sample_count(std::int64_t n) { return std::min(n, kSampleRows); }

int team(int threads, std::int64_t work) { return work >= (std::int64_t{1} << 18) ? threads : 1; }

// Largest |v - offset_j| over the rows of v.
double max_deviation(matrix_view v, const std::vector<double>& offset) {
  double m = 0.0;
  for (std::int64_t i = 0; i < v.rows; ++i) {
    const float* r = v.row(i);
    for (std::int64_t j = 0; j < v.cols; ++j)
      m = std::max(m, std::abs(static_cast<double>(r[j]) - offset[static_cast<std::size_t>(j)]));
  }
  return m;
}

}  // namespace

std::int64_t row_frame_block_rows(std::int64_t n) noexcept {
  // At least 1024 rows and at most 256 blocks; from the shape alone, never
  // from the thread count, and the same on both backends.
  constexpr std::int64_t kMinRows = 1024;
  constexpr std::int64_t kMaxBlocks = 256;
  return std::max(kMinRows, (n + kMaxBlocks - 1) / kMaxBlocks);
}

std::int64_t row_frame_sample_row(std::int64_t t, std::int64_t n) noexcept {
  return t * n / sample_count(n);
}

void column_stats::resize(std::int64_t rows_, std::int64_t cols_) {
  rows = rows_;
  cols = cols_;
  const std::int64_t per = row_frame_block_rows(rows);
  blocks = (rows + per - 1) / per;
  const auto size = static_cast<std::size_t>(blocks * cols);
  lo.assign(size, std::numeric_limits<float>::infinity());
  hi.assign(size, -std::numeric_limits<float>::infinity());
  sample_rows = sample_count(rows);
  sample.assign(static_cast<std::size_t>(sample_rows * cols), 0.0f);
}

row_frame finish_row_frame(const column_stats& st, zero_row_policy zeros,
                           std::initializer_list<matrix_view> also_cover) {
  row_frame f{row_geometry::euclidean, zeros, {}, 0};
  const std::int64_t d = st.cols;
  const std::int64_t m = st.sample_rows;
  f.offset.assign(static_cast<std::size_t>(d), 0.0);
  std::vector<float> col(static_cast<std::size_t>(m));
  double spread = 0.0;
  for (std::int64_t j = 0; j < d; ++j) {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    for (std::int64_t b = 0; b < st.blocks; ++b) {
      lo = std::min(lo, st.lo[static_cast<std::size_t>(b * d + j)]);
      hi = std::max(hi, st.hi[static_cast<std::size_t>(b * d + j)]);
    }
    // The lower median: a value of the column, so it moves and scales with it exactly.
    for (std::int64_t t = 0; t < m; ++t) col[static_cast<std::size_t>(t)] = st.sample[static_cast<std::size_t>(t * d + j)];
    const auto mid = col.begin() + (m - 1) / 2;
    std::nth_element(col.begin(), mid, col.end());
    const double o = *mid;
    f.offset[static_cast<std::size_t>(j)] = o;
    spread = std::max({spread, hi - o, o - lo});
  }
  for (const matrix_view& v : also_cover) spread = std::max(spread, max_deviation(v, f.offset));
  // 2^exponent <= spread < 2^(exponent + 1): prepared deviations lie in [0, 2)
  // (plus the rounding of the offsets below, at most 2^-13).
  f.exponent = spread > 0.0 ? std::ilogb(spread) : 0;
  // The origin on a grid of 2^(exponent - 12): within 2^-13 of the spread
  // from the median, which is all the centring needs.
  constexpr int kOffsetBits = 12;
  const int grid = f.exponent - kOffsetBits;
  for (double& o : f.offset) o = std::ldexp(std::nearbyint(std::ldexp(o, -grid)), grid);
  return f;
}

row_frame fit_row_frame(matrix_view x, row_geometry geometry, zero_row_policy zeros, int threads,
                        std::initializer_list<matrix_view> also_cover,
                        const std::vector<std::int64_t>* only_rows) {
  if (geometry == row_geometry::cosine || x.rows == 0 || x.cols == 0 ||
      (only_rows != nullptr && only_rows->empty())) {
    return row_frame{geometry, zeros, {}, 0};
  }
  const std::int64_t n = only_rows != nullptr ? static_cast<std::int64_t>(only_rows->size()) : x.rows;
  const std::int64_t d = x.cols;
  const auto row_of = [&](std::int64_t i) {
    return x.row(only_rows != nullptr ? (*only_rows)[static_cast<std::size_t>(i)] : i);
  };
  column_stats st;
  st.resize(n, d);
  const std::int64_t per = row_frame_block_rows(n);
#pragma omp parallel for num_threads(team(threads, n * d)) schedule(static)
  for (std::int64_t b = 0; b < st.blocks; ++b) {
    float* l = st.lo.data() + b * d;
    float* h = st.hi.data() + b * d;
    for (std::int64_t i = b * per; i < std::min(n, (b + 1) * per); ++i) {
      const float* r = row_of(i);
      for (std::int64_t j = 0; j < d; ++j) {
        l[j] = std::min(l[j], r[j]);
        h[j] = std::max(h[j], r[j]);
      }
    }
  }
  for (std::int64_t t = 0; t < st.sample_rows; ++t) {
    const float* r = row_of(row_frame_sample_row(t, n));
    std::copy(r, r + d, st.sample.data() + t * d);
  }
  return finish_row_frame(st, zeros, also_cover);
}

bool prepare_row(const float* src, std::int64_t d, const row_frame& frame, float* dst) noexcept {
  if (frame.geometry == row_geometry::cosine) {
    double s = 0.0;
    for (std::int64_t j = 0; j < d; ++j) s += static_cast<double>(src[j]) * src[j];
    const double inv = s > 0.0 ? 1.0 / std::sqrt(s) : 0.0;
    for (std::int64_t j = 0; j < d; ++j) dst[j] = static_cast<float>(src[j] * inv);
    return s > 0.0;
  }
  // 2^-exponent is a normal double and no product can leave double's
  // range, so the multiplication is exact (as ldexp, and vectorises).
  const double scale = std::ldexp(1.0, -frame.exponent);
  const double* m = frame.offset.data();
  // src - offset is exact in double; rounded once, after the exact scale.
  for (std::int64_t j = 0; j < d; ++j)
    dst[j] = static_cast<float>((static_cast<double>(src[j]) - m[j]) * scale);
  return true;
}

host_matrix prepare_rows(matrix_view x, const row_frame& frame, const char* name, int threads) {
  host_matrix out = host_matrix::uninitialized(x.rows, x.cols);
  const std::int64_t d = x.cols;
  std::int64_t bad = -1;
#pragma omp parallel for num_threads(team(threads, x.rows * d)) schedule(static)
  for (std::int64_t i = 0; i < x.rows; ++i) {
    if (!prepare_row(x.row(i), d, frame, out.data() + i * d)) {
#pragma omp critical(em_prepare_rows)
      if (bad < 0 || i < bad) bad = i;
    }
  }
  EM_EXPECTS(bad < 0 || frame.zeros == zero_row_policy::keep, name, " row ", bad,
             " is all zeros: the cosine metric needs non-zero rows (drop them or use euclidean)");
  return out;
}

host_matrix restore_rows(const host_matrix& prepared, const row_frame& frame) {
  if (frame.geometry == row_geometry::cosine) return prepared;
  host_matrix out = host_matrix::uninitialized(prepared.rows(), prepared.cols());
  for (std::int64_t i = 0; i < prepared.rows(); ++i)
    for (std::int64_t j = 0; j < prepared.cols(); ++j)
      out(i, j) = static_cast<float>(std::ldexp(static_cast<double>(prepared(i, j)), frame.exponent) +
                                     frame.offset[static_cast<std::size_t>(j)]);
  return out;
}

}  // namespace embed_metrics::detail
