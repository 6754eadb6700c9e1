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
#include "cuda/row_prep.cuh"

namespace embed_metrics::gpu {
namespace {

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

detail::kmeans_staged kmeans_device_ops::stage_rows(const resources& res, matrix_view m, bool unit,
                                                    bool packed, const char* name) const {
  check_int32_rows(m.rows, name, "kmeans");
  cudaStream_t s = stream_of(res);
  device_matrix dm = on_device(m, s, name);
  const std::int64_t n = dm.rows;
  const std::int64_t d = dm.cols;
  const std::size_t bytes = sizeof(float) * static_cast<std::size_t>(n * d);
  detail::kmeans_staged out;
  if (unit) {
    out.keep = allocate(res, bytes, name);
    const auto row = unit_rows_first_zero(dm.data, dm.ld, n, d, out.keep.as<float>(), s);
    EM_EXPECTS(row == ~0ull, name, " row ", row,
               " is all zeros: the cosine metric needs non-zero rows (drop them or use euclidean)");
  } else if (dm.owned.size() > 0 || m.space == memory_space::host) {
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
    km::column_block_sums(x.data, x.ld, n, d, pass == 0 ? nullptr : d_mean.data(), part.data(), s);
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
    km::argmin_segments(tile.data(), rows_now, m, cn, k, runs, d_outs.data(), r0, s);
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
  km::iota(iota.data(), n, s);
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
    km::count_labels(labels[a], n, k, d_counts.data(), s);
    EM_CUDA_TRY(cub::DeviceScan::ExclusiveSum(temp.data(), scan_bytes, d_counts.data(),
                                              start.data(), k + 1, s));
    EM_CUDA_TRY(cub::DeviceRadixSort::SortPairs(temp.data(), sort_bytes, labels[a], keys.data(),
                                                iota.data(), order.data(), n, 0, key_bits(k), s));
    km::cluster_sums(x.data, x.ld, x.d, order.data(), start.data(), k, sums[a], s);
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
  km::row_center_sqdist(x.data, x.ld, x.d, labels, centers, x.n, dist.data(), s);
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
  device_buffer<std::int64_t> d(h.size(), s);
  d.upload(h.data(), h.size());
  km::relocate(x.data, x.ld, x.d, d.data(), d.data() + count, d.data() + 2 * count, count, sums, s);
  EM_CUDA_TRY(cudaStreamSynchronize(s));  // h must outlive the upload
}

double kmeans_device_ops::finish_centers(const resources& res, const double* sums,
                                         const std::vector<std::int64_t>& counts, std::int64_t d,
                                         bool spherical, const float* old_centers,
                                         float* centers) const {
  cudaStream_t s = stream_of(res);
  const auto k = static_cast<std::int64_t>(counts.size());
  const std::vector<int> h_counts(counts.begin(), counts.end());
  device_buffer<int> d_counts(h_counts.size(), s);
  d_counts.upload(h_counts.data(), h_counts.size());
  device_buffer<double> shift(static_cast<std::size_t>(k), s);
  km::finish_centers(sums, d_counts.data(), k, d, spherical, old_centers, centers, shift.data(), s);
  const std::vector<double> h = shift.to_host();  // synchronises
  return std::accumulate(h.begin(), h.end(), 0.0);
}

bool kmeans_device_ops::labels_differ(const resources& res, const std::int32_t* a,
                                      const std::int32_t* b, std::int64_t n) const {
  cudaStream_t s = stream_of(res);
  device_buffer<unsigned long long> changed(1, s);
  EM_CUDA_TRY(cudaMemsetAsync(changed.data(), 0, sizeof(unsigned long long), s));
  km::count_changed(a, b, n, changed.data(), s);
  return changed.to_host()[0] != 0;
}

double kmeans_device_ops::inertia(const resources& res, rows x, const std::int32_t* labels,
                                  const float* centers) const {
  cudaStream_t s = stream_of(res);
  const std::int64_t blocks = (x.n + km::kBlockRows - 1) / km::kBlockRows;
  device_buffer<double> part(static_cast<std::size_t>(blocks), s);
  km::inertia_blocks(x.data, x.ld, x.d, labels, centers, x.n, part.data(), s);
  const std::vector<double> h = part.to_host();
  return std::accumulate(h.begin(), h.end(), 0.0);
}

}  // namespace embed_metrics::gpu
