#include "cpu/gram.hpp"

#include <algorithm>

#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/cpu_ops.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {

namespace {
constexpr std::int64_t kGramRowBlock = 2048;
// Rows of G per strip: G is symmetric, so each strip holds only the columns
// from its diagonal on (56% of the full product's flops at d = 512); one
// single-threaded GEMM a strip, the strips shared among the threads, so the
// result does not depend on the thread count.
constexpr std::int64_t kGramStrip = 64;

// g (upper triangle and the diagonal strips) += y^T y for the rows x d block
// y (row-major, packed): the d x d Gram matrix of a row block, or, with the
// block stored transposed, the n x n one of a column block.
void add_upper_gram(const double* y, std::int64_t rows, std::int64_t d, double* g, int threads) {
  const std::int64_t strips = (d + kGramStrip - 1) / kGramStrip;
#pragma omp parallel for num_threads(std::max(1, threads)) schedule(dynamic, 1) if (strips > 1)
  for (std::int64_t s = 0; s < strips; ++s) {
    const std::int64_t i0 = s * kGramStrip;
    const std::int64_t m = std::min(kGramStrip, d - i0);
    dgemm_tn(m, d - i0, rows, 1.0, y + i0, d, y + i0, d, 1.0, g + i0 * d + i0, d, 1);
  }
}
// The lower triangle of the m x m @p a from its upper one.
void mirror_upper(std::vector<double>& a, std::int64_t m) {
  for (std::int64_t i = 1; i < m; ++i)
    for (std::int64_t j = 0; j < i; ++j)
      a[static_cast<std::size_t>(i * m + j)] = a[static_cast<std::size_t>(j * m + i)];
}

// Column block of row_gram: about 16 MiB of doubles, at least 64 columns.
constexpr std::int64_t kRowGramBufferDoubles = std::int64_t{1} << 21;
}

void column_moments(matrix_view x, const double* row_scale, int threads, std::vector<double>& mean,
                    std::vector<double>& sq) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  constexpr std::int64_t kRows = 1024;
  const std::int64_t blocks = (n + kRows - 1) / kRows;
  std::vector<double> part(static_cast<std::size_t>(blocks * d));
  for (int pass = 0; pass < 2; ++pass) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
      double* acc = part.data() + b * d;
      std::fill(acc, acc + d, 0.0);
      for (std::int64_t i = b * kRows; i < std::min(n, (b + 1) * kRows); ++i) {
        const float* r = x.row(i);
        const double s = row_scale != nullptr ? row_scale[i] : 1.0;  // x 1 is exact
        if (pass == 0) {
          for (std::int64_t j = 0; j < d; ++j) acc[j] += r[j] * s;
        } else {
          for (std::int64_t j = 0; j < d; ++j) {
            const double t = r[j] * s - mean[static_cast<std::size_t>(j)];
            acc[j] += t * t;
          }
        }
      }
    }
    auto& out = pass == 0 ? mean : sq;
    out.assign(static_cast<std::size_t>(d), 0.0);
    for (std::int64_t b = 0; b < blocks; ++b)
      for (std::int64_t j = 0; j < d; ++j) out[static_cast<std::size_t>(j)] += part[static_cast<std::size_t>(b * d + j)];
    if (pass == 0)
      for (double& m : mean) m /= static_cast<double>(n);
  }
}

void gram(matrix_view x, bool shift_by_first_row, std::vector<double>& g,
          std::vector<double>& colsum, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  g.assign(static_cast<std::size_t>(d * d), 0.0);
  colsum.assign(static_cast<std::size_t>(d), 0.0);
  std::vector<double> shift(static_cast<std::size_t>(d), 0.0);
  if (shift_by_first_row && n > 0) shift.assign(x.row(0), x.row(0) + d);
  const std::int64_t block = std::min(n, kGramRowBlock);
  std::vector<double> buf(static_cast<std::size_t>(block * d));
  for (std::int64_t r0 = 0; r0 < n; r0 += block) {
    const std::int64_t rows = std::min(block, n - r0);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < rows; ++i) {
      const float* src = x.row(r0 + i);
      double* dst = buf.data() + i * d;
      for (std::int64_t j = 0; j < d; ++j) dst[j] = static_cast<double>(src[j]) - shift[static_cast<std::size_t>(j)];
    }
    // Column sums in a fixed order (row by row), independent of the thread count.
    for (std::int64_t i = 0; i < rows; ++i) {
      const double* r = buf.data() + i * d;
      for (std::int64_t j = 0; j < d; ++j) colsum[static_cast<std::size_t>(j)] += r[j];
    }
    add_upper_gram(buf.data(), rows, d, g.data(), threads);
  }
  mirror_upper(g, d);
}

void row_gram(matrix_view x, bool centre, std::vector<double>& k, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  k.assign(static_cast<std::size_t>(n * n), 0.0);
  std::vector<double> mean(static_cast<std::size_t>(d), 0.0);
  if (centre && n > 0) {
    // Row by row: a fixed summation order, whatever the thread count.
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      for (std::int64_t j = 0; j < d; ++j) mean[static_cast<std::size_t>(j)] += static_cast<double>(r[j]);
    }
    for (double& m : mean) m /= static_cast<double>(n);
  }
  if (n == 0 || d == 0) return;
  const std::int64_t block =
      std::min(d, std::max<std::int64_t>(64, kRowGramBufferDoubles / std::max<std::int64_t>(n, 1)));
  // The block is stored transposed (columns x n), so that K += B^T B is dgemm_tn.
  std::vector<double> buf(static_cast<std::size_t>(block * n));
  for (std::int64_t c0 = 0; c0 < d; c0 += block) {
    const std::int64_t cols = std::min(block, d - c0);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* src = x.row(i) + c0;
      for (std::int64_t j = 0; j < cols; ++j)
        buf[static_cast<std::size_t>(j * n + i)] =
            static_cast<double>(src[j]) - mean[static_cast<std::size_t>(c0 + j)];
    }
    add_upper_gram(buf.data(), cols, n, k.data(), threads);
  }
  mirror_upper(k, n);
}

// CPU second moments (cpu/gram.hpp), on finite host rows.
namespace {

class moments final : public detail::entropy_ops {
 public:
  void gram(const resources& res, matrix_view x, bool shift_by_first_row, std::vector<double>& g,
            std::vector<double>& colsum) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    cpu::gram(x, shift_by_first_row, g, colsum, res.threads());
  }

  void row_gram(const resources& res, matrix_view x, bool centre,
                std::vector<double>& k) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    cpu::row_gram(x, centre, k, res.threads());
  }
};

}  // namespace

const detail::entropy_ops& entropy_operations() {
  static const moments ops;
  return ops;
}

}  // namespace embed_metrics::cpu
