// CUDA primitives of the metrics of L2-normalised rows.
//
// The Gaussian potential sum runs over the tiles (I, J), J >= I, of
// kTile x kTile pairs: cuBLAS SGEMM gives -2 z_i.z_j into one tile buffer
// and a kernel turns each entry into exp(-t ||z_i - z_j||^2) and sums it
// (double per thread, then per block); the block sums of each tile are added
// in a fixed order into that tile's slot, and the tiles on the host in
// index order, so the result does not depend on scheduling.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "backend/device_checks.hpp"
#include "backend/label_free_dispatch.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/row_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr std::int64_t kTile = 4096;
constexpr int kThreads = 256;
constexpr int kTileBlocks = 512;
constexpr std::int64_t kRowChunk = 4096;

__device__ double block_sum(double v, double* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  double s = 0.0;
  if (threadIdx.x == 0)
    for (int w = 0; w < static_cast<int>(blockDim.x >> 5); ++w) s += shared[w];
  return s;
}

__global__ void potential_tile_kernel(const float* __restrict__ tile, std::int64_t m, std::int64_t nn,
                                      const float* __restrict__ ni, const float* __restrict__ nj,
                                      bool diagonal, float t, double* __restrict__ block_sums) {
  __shared__ double shared[kThreads / 32];
  double acc = 0.0;
  const std::int64_t count = m * nn;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < count;
       e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t r = e / nn;
    const std::int64_t c = e - r * nn;
    if (diagonal && c <= r) continue;
    const float d2 = fmaxf(0.0f, ni[r] + nj[c] + tile[e]);
    acc += static_cast<double>(expf(-t * d2));
  }
  const double s = block_sum(acc, shared);
  if (threadIdx.x == 0) block_sums[blockIdx.x] = s;
}

__global__ void sum_in_order_kernel(const double* __restrict__ v, int count, double* __restrict__ out) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    double s = 0.0;
    for (int i = 0; i < count; ++i) s += v[i];
    *out = s;
  }
}

// One warp per row: 1 / ||x_i|| in double (0 for a zero row, whose index is
// folded into *first_zero).
__global__ void inverse_norms_kernel(const float* __restrict__ x, std::int64_t ld, std::int64_t n,
                                     std::int64_t d, double* __restrict__ inv,
                                     unsigned long long* first_zero) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * (blockDim.x >> 5);
  for (std::int64_t i = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5; i < n;
       i += warps) {
    double s = 0.0;
    for (std::int64_t j = threadIdx.x & 31; j < d; j += 32) {
      const double v = x[i * ld + j];
      s += v * v;
    }
    for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    s = __shfl_sync(0xffffffffu, s, 0);
    if ((threadIdx.x & 31) == 0) {
      inv[i] = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
      if (s == 0.0) atomicMin(first_zero, static_cast<unsigned long long>(i));
    }
  }
}

// One warp per row: ||a_i / ||a_i|| - b_i / ||b_i|| ||^alpha in double.
__global__ void alignment_kernel(const float* __restrict__ a, std::int64_t lda, const float* __restrict__ b,
                                 std::int64_t ldb, std::int64_t n, std::int64_t d,
                                 const double* __restrict__ ia, const double* __restrict__ ib,
                                 double alpha, double* __restrict__ out) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * (blockDim.x >> 5);
  for (std::int64_t i = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5; i < n;
       i += warps) {
    double s = 0.0;
    for (std::int64_t j = threadIdx.x & 31; j < d; j += 32) {
      const double diff = a[i * lda + j] * ia[i] - b[i * ldb + j] * ib[i];
      s += diff * diff;
    }
    for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    if ((threadIdx.x & 31) == 0) out[i] = alpha == 2.0 ? s : pow(s, 0.5 * alpha);
  }
}

// part[chunk * d + j] = sum over the rows of the chunk of z_ij (mean == null)
// or of (z_ij - mean_j)^2, z = x * inv; rows in order within each chunk.
__global__ void column_chunk_kernel(const float* __restrict__ x, std::int64_t ld, std::int64_t n,
                                    std::int64_t d, const double* __restrict__ inv,
                                    const double* __restrict__ mean, double* __restrict__ part) {
  const std::int64_t chunks = (n + kRowChunk - 1) / kRowChunk;
  const std::int64_t count = chunks * d;
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t c = t / d;
    const std::int64_t j = t - c * d;
    const std::int64_t end = min(n, (c + 1) * kRowChunk);
    double s = 0.0;
    for (std::int64_t i = c * kRowChunk; i < end; ++i) {
      const double z = x[i * ld + j] * inv[i];
      if (mean == nullptr) {
        s += z;
      } else {
        const double dev = z - mean[j];
        s += dev * dev;
      }
    }
    part[t] = s;
  }
}

int grid_for(std::int64_t items, int per_block) {
  return static_cast<int>(capped_blocks(items, per_block, 8192));
}

device_buffer<double> inverse_norms(const device_matrix& x, cudaStream_t stream, const char* what) {
  device_buffer<double> inv(static_cast<std::size_t>(x.rows), stream, "inverse row norms");
  device_buffer<unsigned long long> first_zero(1, stream);
  const unsigned long long none = ~0ull;
  first_zero.upload(&none, 1);
  EM_CUDA_LAUNCH(inverse_norms_kernel<<<grid_for(x.rows * 32, kThreads), kThreads, 0, stream>>>(
      x.data, x.ld, x.rows, x.cols, inv.data(), first_zero.data()));
  const auto z = first_zero.to_host()[0];
  EM_EXPECTS(z == none, what, ": row ", z, " is all zeros and has no direction; drop it");
  return inv;
}

void check_host_finite(matrix_view x, const char* name) {
  if (x.space == memory_space::host) detail::check_finite(x, name);
}

class cuda_sphere final : public detail::sphere_ops {
 public:
  double gaussian_potential_sum(const resources& res, matrix_view x, double t) const override {
    check_host_finite(x, "x");
    const call_scope call(res);
    auto& ctx = call.ctx();
    const device_matrix dx = on_device(x, ctx.stream, "x");
    const std::int64_t n = dx.rows;
    const std::int64_t d = dx.cols;
    device_buffer<float> z(static_cast<std::size_t>(n * d), ctx.stream, "the normalised rows");
    const auto zero_row = unit_rows_first_zero(dx.data, dx.ld, n, d, z.data(), ctx.stream);
    EM_EXPECTS(zero_row == ~0ull, "uniformity: row ", zero_row, " of x is all zeros and has no direction; drop it");
    device_buffer<float> norms(static_cast<std::size_t>(n), ctx.stream, "row norms");
    row_sqnorms(z.data(), n, d, d, norms.data(), ctx.stream);
    const std::int64_t tile = std::min(kTile, n);
    device_buffer<float> buf(static_cast<std::size_t>(tile * tile), ctx.stream, "a distance tile");
    const std::int64_t nb = (n + tile - 1) / tile;
    const std::int64_t tiles = nb * (nb + 1) / 2;
    device_buffer<double> block_sums(kTileBlocks, ctx.stream, "tile block sums");
    device_buffer<double> tile_sums(static_cast<std::size_t>(tiles), ctx.stream, "tile sums");
    std::int64_t p = 0;
    for (std::int64_t bi = 0; bi < nb; ++bi)
      for (std::int64_t bj = bi; bj < nb; ++bj, ++p) {
        const std::int64_t i0 = bi * tile;
        const std::int64_t j0 = bj * tile;
        const std::int64_t m = std::min(tile, n - i0);
        const std::int64_t nn = std::min(tile, n - j0);
        sgemm_nt(ctx.cublas, m, nn, d, -2.0f, z.data() + i0 * d, d, z.data() + j0 * d, d, 0.0f, buf.data(), nn);
        EM_CUDA_LAUNCH(potential_tile_kernel<<<kTileBlocks, kThreads, 0, ctx.stream>>>(
            buf.data(), m, nn, norms.data() + i0, norms.data() + j0, bi == bj,
            static_cast<float>(t), block_sums.data()));
        EM_CUDA_LAUNCH(sum_in_order_kernel<<<1, 1, 0, ctx.stream>>>(block_sums.data(), kTileBlocks,
                                                                    tile_sums.data() + p));
      }
    const std::vector<double> sums = tile_sums.to_host();
    return std::accumulate(sums.begin(), sums.end(), 0.0);
  }

  double alignment_sum(const resources& res, matrix_view a, matrix_view b, double alpha) const override {
    check_host_finite(a, "a");
    check_host_finite(b, "b");
    const call_scope call(res);
    auto& ctx = call.ctx();
    const device_matrix da = on_device(a, ctx.stream, "a");
    const device_matrix db = on_device(b, ctx.stream, "b");
    const device_buffer<double> ia = inverse_norms(da, ctx.stream, "alignment: a");
    const device_buffer<double> ib = inverse_norms(db, ctx.stream, "alignment: b");
    device_buffer<double> per_row(static_cast<std::size_t>(da.rows), ctx.stream, "per-row distances");
    EM_CUDA_LAUNCH(alignment_kernel<<<grid_for(da.rows * 32, kThreads), kThreads, 0, ctx.stream>>>(
        da.data, da.ld, db.data, db.ld, da.rows, da.cols, ia.data(), ib.data(), alpha,
        per_row.data()));
    const std::vector<double> v = per_row.to_host();
    return std::accumulate(v.begin(), v.end(), 0.0);
  }

  std::vector<double> normalized_column_std(const resources& res, matrix_view x) const override {
    check_host_finite(x, "x");
    const call_scope call(res);
    auto& ctx = call.ctx();
    const device_matrix dx = on_device(x, ctx.stream, "x");
    const std::int64_t n = dx.rows;
    const std::int64_t d = dx.cols;
    const device_buffer<double> inv = inverse_norms(dx, ctx.stream, "collapse std: x");
    const std::int64_t chunks = (n + kRowChunk - 1) / kRowChunk;
    device_buffer<double> part(static_cast<std::size_t>(chunks * d), ctx.stream, "column partial sums");
    auto pass = [&](const double* mean) {
      EM_CUDA_LAUNCH(
          column_chunk_kernel<<<grid_for(chunks * d, kThreads), kThreads, 0, ctx.stream>>>(
              dx.data, dx.ld, n, d, inv.data(), mean, part.data()));
      const std::vector<double> h = part.to_host();
      std::vector<double> total(static_cast<std::size_t>(d), 0.0);
      for (std::int64_t c = 0; c < chunks; ++c)
        for (std::int64_t j = 0; j < d; ++j)
          total[static_cast<std::size_t>(j)] += h[static_cast<std::size_t>(c * d + j)];
      return total;
    };
    std::vector<double> mean = pass(nullptr);
    for (double& m : mean) m /= static_cast<double>(n);
    const device_buffer<double> dmean = to_device(mean, ctx.stream, "column means");
    std::vector<double> ss = pass(dmean.data());
    for (double& v : ss) v = std::sqrt(v / static_cast<double>(n - 1));
    return ss;
  }
};

}  // namespace
}  // namespace embed_metrics::gpu

namespace embed_metrics::detail {
const sphere_ops& cuda_sphere_ops() {
  static const gpu::cuda_sphere ops;
  return ops;
}
}  // namespace embed_metrics::detail
