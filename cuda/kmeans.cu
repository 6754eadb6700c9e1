// The CUDA backend's k-means primitives for memory, rows and the Lloyd pass.
// The assignment is, per tile of rows, one cuBLAS SGEMM against the stacked
// centres of every run still iterating and one argmin kernel, so the n x
// (runs k) matrix is never held whole for large n. The centroid sums are
// deterministic: a stable radix sort of the labels, then per-cluster sums
// in row order in double.

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include <algorithm>
#include <memory>
#include <numeric>

#include "backend/cuda_kmeans.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/kmeans_kernels.cuh"
#include "cuda/kmeans_ops.cuh"

namespace embed_metrics::gpu {
namespace km {
namespace {

/// Rows per block of column_block_sums_kernel.
constexpr std::int64_t kColumnBlockRows = 1024;

__global__ void gather_rows_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                   const std::int64_t* __restrict__ idx, std::int64_t count,
                                   const float* __restrict__ xn, float* __restrict__ out,
                                   float* __restrict__ out_norms) {
  EM_GRID_LOOP(e, count * d) {
    const std::int64_t c = e / d;
    const std::int64_t j = e % d;
    const std::int64_t row = idx[c];
    out[e] = x[row * ldx + j];
    if (j == 0 && out_norms != nullptr) out_norms[c] = xn[row];
  }
}

/// For each row i of a tile (rows x m, ld m, -2 x.c) and each of @p runs
/// segments of k columns: outs[a][row0 + i] = argmin over the segment of
/// tile + cn (the first on ties). @p outs is a device array of runs pointers.
/// One warp per (row, run segment).
__global__ void argmin_kernel(const float* __restrict__ tile, std::int64_t rows, std::int64_t m,
                              const float* __restrict__ cn, std::int64_t k, int runs,
                              std::int32_t* const* __restrict__ outs, std::int64_t row0) {
  const std::int64_t warp = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (warp >= rows * runs) return;
  const std::int64_t i = warp / runs;
  const int a = static_cast<int>(warp % runs);
  const float* t = tile + i * m + static_cast<std::int64_t>(a) * k;
  const float* c = cn + static_cast<std::int64_t>(a) * k;
  float best_v = INFINITY;
  std::int64_t best = k;  // larger than any index
  for (std::int64_t j = lane; j < k; j += kWarp) {
    const float v = t[j] + c[j];
    if (v < best_v) {  // j increases: keeps the first minimum of the lane
      best_v = v;
      best = j;
    }
  }
  for (int off = kWarp / 2; off > 0; off /= 2) {
    const float ov = __shfl_down_sync(0xffffffffu, best_v, off);
    const std::int64_t oi = __shfl_down_sync(0xffffffffu, best, off);
    if (ov < best_v || (ov == best_v && oi < best)) {
      best_v = ov;
      best = oi;
    }
  }
  if (lane == 0) {
    if (best >= k) best = 0;  // unreachable for finite inputs
    outs[a][row0 + i] = static_cast<std::int32_t>(best);
  }
}

/// counts[c] += rows with label c (integer atomics: exact).
__global__ void count_kernel(const std::int32_t* __restrict__ labels, std::int64_t n,
                             int* __restrict__ counts) {
  EM_GRID_LOOP(i, n) atomicAdd(counts + labels[i], 1);
}

__global__ void iota_kernel(std::int32_t* out, std::int64_t n) {
  EM_GRID_LOOP(i, n) out[i] = static_cast<std::int32_t>(i);
}

/// sums[c * d + j] = sum of x[order[m] * ldx + j] for m in [start[c], start[c + 1]), in
/// order, in double.
__global__ void cluster_sums_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                    const std::int32_t* __restrict__ order,
                                    const int* __restrict__ start, double* __restrict__ sums) {
  const std::int64_t c = blockIdx.y;
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= d) return;
  double s = 0.0;
  for (int e = start[c]; e < start[c + 1]; ++e) s += static_cast<double>(x[static_cast<std::int64_t>(order[e]) * ldx + j]);
  sums[c * d + j] = s;
}

/// dist[i] = ||x_i - centers[labels[i]]||^2 in double.
__global__ void row_center_sqdist_kernel(const float* __restrict__ x, std::int64_t ldx,
                                         std::int64_t d, const std::int32_t* __restrict__ labels,
                                         const float* __restrict__ centers, std::int64_t n,
                                         double* __restrict__ dist) {
  EM_GRID_LOOP(i, n) {
    const float* r = x + i * ldx;
    const float* c = centers + static_cast<std::int64_t>(labels[i]) * d;
    double s = 0.0;
    for (std::int64_t j = 0; j < d; ++j) {
      const double t = static_cast<double>(r[j]) - c[j];
      s += t * t;
    }
    dist[i] = s;
  }
}

/// Moves rows to empty clusters, one after the other: sums[from[e]] -= x[row[e]],
/// sums[to[e]] = x[row[e]].
__global__ void relocate_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                const std::int64_t* __restrict__ row,
                                const std::int64_t* __restrict__ from,
                                const std::int64_t* __restrict__ to, std::int64_t count,
                                double* __restrict__ sums) {
  // One block; the moves are applied in order (a later move may take from a
  // cluster an earlier one filled).
  for (std::int64_t e = 0; e < count; ++e) {
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const double v = x[row[e] * ldx + j];
      sums[from[e] * d + j] -= v;
      sums[to[e] * d + j] = v;
    }
    __syncthreads();
  }
}

/// centers[c] = sums[c] / counts[c] (sums[c] where the count is 0), or the
/// unit vector of sums[c] when spherical; shift[c] = ||new - old||^2 in double.
__global__ void finish_centers_kernel(const double* __restrict__ sums, const int* __restrict__ counts,
                                      std::int64_t d, bool spherical,
                                      const float* __restrict__ old_centers,
                                      float* __restrict__ centers, double* __restrict__ shift) {
  __shared__ double shared[kThreads];
  const std::int64_t c = blockIdx.x;
  const double* s = sums + c * d;
  double scale = counts[c] > 0 ? 1.0 / counts[c] : 1.0;
  if (spherical) {
    double nn = 0.0;
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) nn += s[j] * s[j];
    nn = block_sum(nn, shared);
    scale = nn > 0.0 ? 1.0 / sqrt(nn) : 1.0;
  }
  double sh = 0.0;
  for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
    const float v = static_cast<float>(s[j] * scale);
    const double t = static_cast<double>(v) - old_centers[c * d + j];
    sh += t * t;
    centers[c * d + j] = v;
  }
  sh = block_sum(sh, shared);
  if (threadIdx.x == 0) shift[c] = sh;
}

/// *changed += number of i with a[i] != b[i].
__global__ void count_changed_kernel(const std::int32_t* __restrict__ a,
                                     const std::int32_t* __restrict__ b, std::int64_t n,
                                     unsigned long long* changed) {
  unsigned long long local = 0;
  EM_GRID_LOOP(i, n) local += a[i] != b[i] ? 1ull : 0ull;
  if (local) atomicAdd(changed, local);
}

/// part[b] = sum over rows i of block b of ||x_i - centers[labels[i]]||^2, in row order,
/// in double.
__global__ void inertia_blocks_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                      const std::int32_t* __restrict__ labels,
                                      const float* __restrict__ centers, std::int64_t n,
                                      double* __restrict__ part) {
  // One thread block per row block; thread t sums columns t, t + 256, ... of
  // each row in order; the tree then adds the threads: a fixed order.
  __shared__ double shared[kThreads];
  const std::int64_t b = blockIdx.x;
  double s = 0.0;
  for (std::int64_t i = b * kBlockRows; i < min(n, (b + 1) * kBlockRows); ++i) {
    const float* r = x + i * ldx;
    const float* c = centers + static_cast<std::int64_t>(labels[i]) * d;
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const double t = static_cast<double>(r[j]) - c[j];
      s += t * t;
    }
  }
  s = block_sum(s, shared);
  if (threadIdx.x == 0) part[b] = s;
}

/// part[b * d + j] = sum over rows of block b (kColumnBlockRows rows) of x (mean ==
/// nullptr) or of (x - mean[j])^2, in row order, in double.
__global__ void column_block_sums_kernel(const float* __restrict__ x, std::int64_t ldx,
                                         std::int64_t n, std::int64_t d,
                                         const double* __restrict__ mean,
                                         double* __restrict__ part) {
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t b = blockIdx.y;
  if (j >= d) return;
  double s = 0.0;
  for (std::int64_t i = b * kColumnBlockRows; i < min(n, (b + 1) * kColumnBlockRows); ++i) {
    const double v = x[i * ldx + j];
    if (mean == nullptr) {
      s += v;
    } else {
      const double t = v - mean[j];
      s += t * t;
    }
  }
  part[b * d + j] = s;
}


}  // namespace

void gather_rows(const float* x, std::int64_t ldx, std::int64_t d, const std::int64_t* idx,
                 std::int64_t count, const float* xn, float* out, float* out_norms,
                 cudaStream_t stream) {
  if (count * d == 0) return;
  EM_CUDA_LAUNCH(gather_rows_kernel<<<grid_for(count * d), kThreads, 0, stream>>>(
      x, ldx, d, idx, count, xn, out, out_norms));
}

}  // namespace km

namespace {

using km::grid_for;
using km::kThreads;

/// Floats in one tile of the distance matrix (rows x stacked centres): 256 MiB.
constexpr std::int64_t kTileFloats = std::int64_t{1} << 26;

int key_bits(std::int64_t k) {
  int bits = 1;
  while ((std::int64_t{1} << bits) < k) ++bits;
  return bits;
}

cudaStream_t stream_of(const resources& res) { return context(res).stream; }

/// A copy between host and device, complete when this returns (the host side may then go).
void copy_and_wait(const resources& res, void* dst, const void* src, std::size_t bytes,
                   cudaMemcpyKind kind) {
  if (bytes == 0) return;
  cudaStream_t s = stream_of(res);
  EM_CUDA_TRY(cudaMemcpyAsync(dst, src, bytes, kind, s));
  EM_CUDA_TRY(cudaStreamSynchronize(s));
}

/// The driver's handle on a device buffer: the buffer lives as long as the handle.
template <class T>
detail::kmeans_buffer keep(device_buffer<T>&& buffer, std::size_t bytes) {
  auto* b = new device_buffer<T>(std::move(buffer));
  return {std::shared_ptr<void>(b->data(), [b](void*) { delete b; }), bytes};
}

/// km::cluster_sums_kernel over all k clusters.
void cluster_sums(const float* x, std::int64_t ldx, std::int64_t d, const std::int32_t* order,
                  const int* start, std::int64_t k, double* sums, cudaStream_t stream) {
  constexpr int kCols = 128;
  // gridDim.y is limited to kMaxGridYZ clusters per launch.
  for (std::int64_t c0 = 0; c0 < k; c0 += kMaxGridYZ) {
    const std::int64_t kc = std::min<std::int64_t>(kMaxGridYZ, k - c0);
    const dim3 grid(static_cast<unsigned>((d + kCols - 1) / kCols), static_cast<unsigned>(kc));
    EM_CUDA_LAUNCH(km::cluster_sums_kernel<<<grid, kCols, 0, stream>>>(x, ldx, d, order, start + c0,
                                                                       sums + c0 * d));
  }
}

/// km::column_block_sums_kernel over all row blocks.
void column_block_sums(const float* x, std::int64_t ldx, std::int64_t n, std::int64_t d,
                       const double* mean, double* part, cudaStream_t stream) {
  const std::int64_t blocks = (n + km::kColumnBlockRows - 1) / km::kColumnBlockRows;
  for (std::int64_t b0 = 0; b0 < blocks; b0 += kMaxGridYZ) {
    const std::int64_t nb = std::min<std::int64_t>(kMaxGridYZ, blocks - b0);
    const dim3 grid(static_cast<unsigned>((d + kThreads - 1) / kThreads), static_cast<unsigned>(nb));
    EM_CUDA_LAUNCH(km::column_block_sums_kernel<<<grid, kThreads, 0, stream>>>(
        x + b0 * km::kColumnBlockRows * ldx, ldx, n - b0 * km::kColumnBlockRows, d, mean,
        part + b0 * d));
  }
}

}  // namespace

const detail::kmeans_ops& kmeans_operations() {
  static const kmeans_device_ops ops;
  return ops;
}

std::shared_ptr<void> kmeans_device_ops::begin_call(const resources& res) const {
  return std::make_shared<call_scope>(res);
}

detail::kmeans_buffer kmeans_device_ops::allocate(const resources& res, std::size_t bytes,
                                                  const char* what) const {
  return keep(device_buffer<unsigned char>(std::max<std::size_t>(bytes, 1), stream_of(res), what),
              bytes);
}

void kmeans_device_ops::upload(const resources& res, void* dst, const void* src,
                               std::size_t bytes) const {
  copy_and_wait(res, dst, src, bytes, cudaMemcpyHostToDevice);
}

void kmeans_device_ops::download(const resources& res, void* dst, const void* src,
                                 std::size_t bytes) const {
  copy_and_wait(res, dst, src, bytes, cudaMemcpyDeviceToHost);
}

void kmeans_device_ops::copy(const resources& res, void* dst, const void* src,
                             std::size_t bytes) const {
  if (bytes > 0 && dst != src)
    EM_CUDA_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream_of(res)));
}

void kmeans_device_ops::fill_bytes(const resources& res, void* dst, unsigned char value,
                                   std::size_t bytes) const {
  if (bytes > 0) EM_CUDA_TRY(cudaMemsetAsync(dst, value, bytes, stream_of(res)));
}

detail::kmeans_staged kmeans_device_ops::stage_rows(const resources& res, matrix_view m,
                                                    bool packed, const char* name) const {
  check_int32_rows(m.rows, name, "kmeans");
  cudaStream_t s = stream_of(res);
  device_matrix dm = on_device(m, s, name);
  const std::int64_t n = dm.rows;
  const std::int64_t d = dm.cols;
  const std::size_t bytes = sizeof(float) * static_cast<std::size_t>(n * d);
  detail::kmeans_staged out;
  if (dm.owned.size() > 0 || m.space == memory_space::host) {
    out.keep = keep(std::move(dm.owned), bytes);
  } else if (packed && dm.ld != d) {  // a strided device view: pack it
    out.keep = allocate(res, bytes, name);
    EM_CUDA_TRY(cudaMemcpy2DAsync(out.keep.as<float>(), sizeof(float) * d, dm.data,
                                  sizeof(float) * dm.ld, sizeof(float) * d, n,
                                  cudaMemcpyDeviceToDevice, s));
  } else {
    out.rows = {dm.data, n, d, dm.ld};  // a device view, used in place
    return out;
  }
  out.rows = {out.keep.as<float>(), n, d, d};  // packed in the kept copy
  return out;
}

double kmeans_device_ops::tolerance(const resources& res, rows x, double tol) const {
  if (tol == 0.0) return 0.0;
  cudaStream_t s = stream_of(res);
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  const std::int64_t blocks = (n + km::kColumnBlockRows - 1) / km::kColumnBlockRows;
  device_buffer<double> part(static_cast<std::size_t>(blocks * d), s);
  device_buffer<double> d_mean(static_cast<std::size_t>(d), s);
  std::vector<double> mean(static_cast<std::size_t>(d), 0.0);
  std::vector<double> var(static_cast<std::size_t>(d), 0.0);
  // As detail::kmeans_tolerance: block sums in row order, blocks in order.
  for (int pass = 0; pass < 2; ++pass) {
    column_block_sums(x.data, x.ld, n, d, pass == 0 ? nullptr : d_mean.data(), part.data(), s);
    const auto h = part.to_host();
    auto& out = pass == 0 ? mean : var;
    for (std::int64_t b = 0; b < blocks; ++b)
      for (std::int64_t j = 0; j < d; ++j) out[static_cast<std::size_t>(j)] += h[static_cast<std::size_t>(b * d + j)];
    for (auto& v : out) v /= static_cast<double>(n);
    if (pass == 0) {
      d_mean.upload(mean.data(), mean.size());
      EM_CUDA_TRY(cudaStreamSynchronize(s));
    }
  }
  return std::accumulate(var.begin(), var.end(), 0.0) / static_cast<double>(d) * tol;
}

void kmeans_device_ops::row_sqnorms(const resources& res, rows x, float* out) const {
  gpu::row_sqnorms(x.data, x.n, x.d, x.ld, out, stream_of(res));
}

void kmeans_device_ops::gather_rows(const resources& res, rows x, const std::int64_t* idx,
                                    std::int64_t count, float* out) const {
  km::gather_rows(x.data, x.ld, x.d, idx, count, nullptr, out, nullptr, stream_of(res));
}

std::vector<std::vector<std::int64_t>> kmeans_device_ops::assign(
    const resources& res, rows x, const float* centers, const float* cn, std::int64_t k, int runs,
    std::int32_t* const* labels, double* const* sums) const {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  const std::int64_t n = x.n;
  const std::int64_t m = k * runs;
  const std::int64_t chunk = std::min(n, std::max<std::int64_t>(1, kTileFloats / m));
  device_buffer<float> tile(static_cast<std::size_t>(chunk * m), s, "the k-means assignment tile");
  device_buffer<std::int32_t*> d_outs(static_cast<std::size_t>(runs), s);
  d_outs.upload(labels, static_cast<std::size_t>(runs));
  for (std::int64_t r0 = 0; r0 < n; r0 += chunk) {
    const std::int64_t rows_now = std::min(chunk, n - r0);
    sgemm_nt(ctx.cublas, rows_now, m, x.d, -2.0f, x.data + r0 * x.ld, x.ld, centers, x.d, 0.0f,
             tile.data(), m);
    const std::int64_t threads = rows_now * runs * km::kWarp;
    EM_CUDA_LAUNCH(km::argmin_kernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads),
                                       kThreads, 0, s>>>(tile.data(), rows_now, m, cn, k, runs,
                                                         d_outs.data(), r0));
  }

  std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(runs));
  if (std::none_of(sums, sums + runs, [](const double* p) { return p != nullptr; })) {
    EM_CUDA_TRY(cudaStreamSynchronize(s));  // the pointer array was a host vector
    return counts;
  }
  // Counts, a stable sort of the rows by label, per-cluster sums.
  device_buffer<int> d_counts(static_cast<std::size_t>(k + 1), s);
  device_buffer<int> start(static_cast<std::size_t>(k + 1), s);
  device_buffer<std::int32_t> iota(static_cast<std::size_t>(n), s);
  device_buffer<std::int32_t> order(static_cast<std::size_t>(n), s);
  device_buffer<std::int32_t> keys(static_cast<std::size_t>(n), s);
  EM_CUDA_LAUNCH(km::iota_kernel<<<grid_for(n), kThreads, 0, s>>>(iota.data(), n));
  std::size_t sort_bytes = 0, scan_bytes = 0;
  EM_CUDA_TRY(cub::DeviceRadixSort::SortPairs(nullptr, sort_bytes, keys.data(), keys.data(),
                                              iota.data(), order.data(), n, 0, key_bits(k), s));
  EM_CUDA_TRY(cub::DeviceScan::ExclusiveSum(nullptr, scan_bytes, d_counts.data(), start.data(),
                                            k + 1, s));
  device_buffer<std::uint8_t> temp(std::max(sort_bytes, scan_bytes), s);
  std::vector<int> h_counts(static_cast<std::size_t>(k));
  for (int a = 0; a < runs; ++a) {
    if (sums[a] == nullptr) continue;
    EM_CUDA_TRY(cudaMemsetAsync(d_counts.data(), 0, sizeof(int) * (k + 1), s));
    EM_CUDA_LAUNCH(
        km::count_kernel<<<grid_for(n), kThreads, 0, s>>>(labels[a], n, d_counts.data()));
    EM_CUDA_TRY(cub::DeviceScan::ExclusiveSum(temp.data(), scan_bytes, d_counts.data(),
                                              start.data(), k + 1, s));
    EM_CUDA_TRY(cub::DeviceRadixSort::SortPairs(temp.data(), sort_bytes, labels[a], keys.data(),
                                                iota.data(), order.data(), n, 0, key_bits(k), s));
    cluster_sums(x.data, x.ld, x.d, order.data(), start.data(), k, sums[a], s);
    EM_CUDA_TRY(cudaMemcpyAsync(h_counts.data(), d_counts.data(), sizeof(int) * k,
                                cudaMemcpyDeviceToHost, s));
    EM_CUDA_TRY(cudaStreamSynchronize(s));
    counts[static_cast<std::size_t>(a)].assign(h_counts.begin(), h_counts.end());
  }
  return counts;
}

std::vector<double> kmeans_device_ops::center_distances(const resources& res, rows x,
                                                        const std::int32_t* labels,
                                                        const float* centers) const {
  cudaStream_t s = stream_of(res);
  device_buffer<double> dist(static_cast<std::size_t>(x.n), s);
  EM_CUDA_LAUNCH(km::row_center_sqdist_kernel<<<grid_for(x.n), kThreads, 0, s>>>(
      x.data, x.ld, x.d, labels, centers, x.n, dist.data()));
  return dist.to_host();
}

void kmeans_device_ops::relocate(const resources& res, rows x,
                                 const std::vector<detail::kmeans_move>& moves, double* sums) const {
  if (moves.empty()) return;
  cudaStream_t s = stream_of(res);
  const auto count = static_cast<std::int64_t>(moves.size());
  std::vector<std::int64_t> h(static_cast<std::size_t>(3 * count));
  for (std::int64_t e = 0; e < count; ++e) {
    const auto& mv = moves[static_cast<std::size_t>(e)];
    h[static_cast<std::size_t>(e)] = mv.row;
    h[static_cast<std::size_t>(count + e)] = mv.from;
    h[static_cast<std::size_t>(2 * count + e)] = mv.to;
  }
  const device_buffer<std::int64_t> d = to_device(h, s);
  EM_CUDA_LAUNCH(km::relocate_kernel<<<1, kThreads, 0, s>>>(
      x.data, x.ld, x.d, d.data(), d.data() + count, d.data() + 2 * count, count, sums));
  EM_CUDA_TRY(cudaStreamSynchronize(s));  // h must outlive the upload
}

double kmeans_device_ops::finish_centers(const resources& res, const double* sums,
                                         const std::vector<std::int64_t>& counts, std::int64_t d,
                                         bool spherical, const float* old_centers,
                                         float* centers) const {
  cudaStream_t s = stream_of(res);
  const auto k = static_cast<std::int64_t>(counts.size());
  const std::vector<int> h_counts(counts.begin(), counts.end());
  const device_buffer<int> d_counts = to_device(h_counts, s);
  device_buffer<double> shift(static_cast<std::size_t>(k), s);
  EM_CUDA_LAUNCH(km::finish_centers_kernel<<<static_cast<unsigned>(k), kThreads, 0, s>>>(
      sums, d_counts.data(), d, spherical, old_centers, centers, shift.data()));
  const std::vector<double> h = shift.to_host();  // synchronises
  return std::accumulate(h.begin(), h.end(), 0.0);
}

bool kmeans_device_ops::labels_differ(const resources& res, const std::int32_t* a,
                                      const std::int32_t* b, std::int64_t n) const {
  cudaStream_t s = stream_of(res);
  device_buffer<unsigned long long> changed(1, s);
  EM_CUDA_TRY(cudaMemsetAsync(changed.data(), 0, sizeof(unsigned long long), s));
  EM_CUDA_LAUNCH(
      km::count_changed_kernel<<<grid_for(n), kThreads, 0, s>>>(a, b, n, changed.data()));
  return changed.to_host()[0] != 0;
}

double kmeans_device_ops::inertia(const resources& res, rows x, const std::int32_t* labels,
                                  const float* centers) const {
  cudaStream_t s = stream_of(res);
  const std::int64_t blocks = km::row_blocks(x.n);
  device_buffer<double> part(static_cast<std::size_t>(blocks), s);
  EM_CUDA_LAUNCH(km::inertia_blocks_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, s>>>(
      x.data, x.ld, x.d, labels, centers, x.n, part.data()));
  const std::vector<double> h = part.to_host();
  return std::accumulate(h.begin(), h.end(), 0.0);
}

}  // namespace embed_metrics::gpu
