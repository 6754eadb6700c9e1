// CUDA backend of the second moments behind the Gaussian entropy and the
// effective rank: rows (or, for the n x n Gram matrix of a short wide
// matrix, columns) converted to double in blocks, cublasDgemm for the Gram
// matrix, cublasDgemv for the column sums.

#include <algorithm>

#include "backend/cuda_backend.hpp"
#include "backend/device_checks.hpp"
#include "core/validate.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

constexpr std::int64_t kGramRowBlock = 8192;

// dst (rows x cols, packed) = x[:, 0 : cols] - shift[0 : cols] in double (shift may be
// null: zero); the shift is a row of x (float) or column means (double).
template <class Shift>
__global__ void to_double_kernel(const float* __restrict__ x, std::int64_t rows, std::int64_t cols,
                                 std::int64_t ldx, const Shift* __restrict__ shift,
                                 double* __restrict__ dst) {
  const std::int64_t count = rows * cols;
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = t / cols;
    const std::int64_t j = t - i * cols;
    const double s = shift != nullptr ? static_cast<double>(shift[j]) : 0.0;
    dst[t] = static_cast<double>(x[i * ldx + j]) - s;
  }
}

// mean[j] = (1/n) sum_i x[i][j], one thread per column, rows in order.
__global__ void column_mean_kernel(const float* __restrict__ x, std::int64_t n, std::int64_t d,
                                   std::int64_t ldx, double* __restrict__ mean) {
  for (std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < d;
       j += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    double s = 0.0;
    for (std::int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i * ldx + j]);
    mean[j] = s / static_cast<double>(n);
  }
}

__global__ void ones_kernel(double* v, std::int64_t count) {
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    v[t] = 1.0;
}

unsigned grid_for(std::int64_t count) { return static_cast<unsigned>(capped_blocks(count, 256, 4096)); }

void device_gram(const resources& res, matrix_view x, bool shift_by_first_row,
                 std::vector<double>& g, std::vector<double>& colsum) {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const device_matrix dx = on_device(x, s);
  const std::int64_t block = std::max<std::int64_t>(1, std::min(n, kGramRowBlock));
  device_buffer<double> buf(static_cast<std::size_t>(block * d), s);
  device_buffer<double> dg(static_cast<std::size_t>(d * d), s);
  device_buffer<double> dsum(static_cast<std::size_t>(d), s);
  device_buffer<double> ones(static_cast<std::size_t>(block), s);
  dg.zero();
  dsum.zero();
  EM_CUDA_LAUNCH(ones_kernel<<<grid_for(block), 256, 0, s>>>(ones.data(), block));
  const float* shift = shift_by_first_row && n > 0 ? dx.data : nullptr;
  const double one = 1.0;
  for (std::int64_t r0 = 0; r0 < n; r0 += block) {
    const std::int64_t rows = std::min(block, n - r0);
    EM_CUDA_LAUNCH(to_double_kernel<<<grid_for(rows * d), 256, 0, s>>>(
        dx.data + r0 * dx.ld, rows, d, dx.ld, shift, buf.data()));
    // The packed block is column-major A (d x rows): G += A A^T, sum += A 1.
    EM_CUBLAS_TRY(cublasDgemm_64(ctx.cublas, CUBLAS_OP_N, CUBLAS_OP_T, d, d, rows, &one, buf.data(),
                                 d, buf.data(), d, &one, dg.data(), d));
    EM_CUBLAS_TRY(cublasDgemv_64(ctx.cublas, CUBLAS_OP_N, d, rows, &one, buf.data(), d, ones.data(),
                                 1, &one, dsum.data(), 1));
  }
  g = dg.to_host();
  colsum = dsum.to_host();
}

void device_row_gram(const resources& res, matrix_view x, bool centre, std::vector<double>& k) {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  k.assign(static_cast<std::size_t>(n * n), 0.0);
  if (n == 0 || d == 0) return;
  const device_matrix dx = on_device(x, s);
  device_buffer<double> mean(centre ? static_cast<std::size_t>(d) : 0, s);
  if (centre) {
    EM_CUDA_LAUNCH(
        column_mean_kernel<<<grid_for(d), 256, 0, s>>>(dx.data, n, d, dx.ld, mean.data()));
  }
  // Column blocks of about 64 MiB of doubles, at least 64 columns.
  const std::int64_t block =
      std::min(d, std::max<std::int64_t>(64, (std::int64_t{1} << 23) / n));
  device_buffer<double> buf(static_cast<std::size_t>(block * n), s);
  device_buffer<double> dk(static_cast<std::size_t>(n * n), s);
  dk.zero();
  const double one = 1.0;
  for (std::int64_t c0 = 0; c0 < d; c0 += block) {
    const std::int64_t cols = std::min(block, d - c0);
    EM_CUDA_LAUNCH(to_double_kernel<<<grid_for(n * cols), 256, 0, s>>>(
        dx.data + c0, n, cols, dx.ld, centre ? mean.data() + c0 : nullptr, buf.data()));
    // The packed block is column-major A (cols x n): K += A^T A.
    EM_CUBLAS_TRY(cublasDgemm_64(ctx.cublas, CUBLAS_OP_T, CUBLAS_OP_N, n, n, cols, &one, buf.data(),
                                 cols, buf.data(), cols, &one, dk.data(), n));
  }
  k = dk.to_host();
}

// Host views are checked finite here, device views by their staging.
class moments final : public detail::entropy_ops {
 public:
  void gram(const resources& res, matrix_view x, bool shift_by_first_row, std::vector<double>& g,
            std::vector<double>& colsum) const override {
    detail::check_finite(x, "x");
    device_gram(res, x, shift_by_first_row, g, colsum);
    trim_memory(res);
  }
  void row_gram(const resources& res, matrix_view x, bool centre,
                std::vector<double>& k) const override {
    detail::check_finite(x, "x");
    device_row_gram(res, x, centre, k);
  }
};

}  // namespace

const detail::entropy_ops& entropy_operations() {
  static const moments ops;
  return ops;
}

}  // namespace embed_metrics::gpu
