// CUDA backend of the agreement scores: labels remapped by radix sort and
// run-length encoding (CUB), the sparse contingency table by sorting and
// run-length encoding the n cell keys, and the expected mutual information
// as one thread per distinct pair of cluster sizes (cpu/emi_pair.hpp, the same
// code as the CPU backend) followed by a deterministic CUB reduction. Device
// labels are read in place. The table (non-zero cells only) and the sizes
// come back to the host, where the remaining O(nnz) sums and the matching run.

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_run_length_encode.cuh>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/check.hpp"
#include "cpu/emi_pair.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;

constexpr int kBlock = 256;

int blocks_for(i64 n) { return static_cast<int>((n + kBlock - 1) / kBlock); }

// Bits needed to hold values below @p bound (at least 1).
int bits_for(u64 bound) {
  int b = 1;
  while (b < 64 && (u64{1} << b) < bound) ++b;
  return b;
}

/// Sort @p in (n keys) into @p out with CUB, using the lowest @p end_bit bits.
template <class K>
void radix_sort(const K* in, K* out, i64 n, int end_bit, cudaStream_t s) {
  std::size_t bytes = 0;
  EM_CUDA_TRY(cub::DeviceRadixSort::SortKeys(nullptr, bytes, in, out, n, 0, end_bit, s));
  device_buffer<unsigned char> tmp(bytes, s);
  EM_CUDA_TRY(cub::DeviceRadixSort::SortKeys(tmp.data(), bytes, in, out, n, 0, end_bit, s));
}

/// Distinct values of sorted @p in and their run lengths; returns the number of runs.
template <class K>
i64 run_length_encode(const K* in, i64 n, device_buffer<K>& values, device_buffer<i64>& counts,
                      cudaStream_t s) {
  values = device_buffer<K>(static_cast<std::size_t>(n), s);
  counts = device_buffer<i64>(static_cast<std::size_t>(n), s);
  device_buffer<int> runs(1, s);
  std::size_t bytes = 0;
  const int ni = static_cast<int>(n);
  EM_CUDA_TRY(cub::DeviceRunLengthEncode::Encode(nullptr, bytes, in, values.data(), counts.data(),
                                                 runs.data(), ni, s));
  device_buffer<unsigned char> tmp(bytes, s);
  EM_CUDA_TRY(cub::DeviceRunLengthEncode::Encode(tmp.data(), bytes, in, values.data(), counts.data(),
                                                 runs.data(), ni, s));
  return runs.to_host()[0];
}

__global__ void lower_bound_kernel(const i64* __restrict__ labels, i64 n,
                                   const i64* __restrict__ values, i64 k, i64* __restrict__ ids) {
  const i64 i = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const i64 x = labels[i];
  i64 lo = 0, hi = k;
  while (lo < hi) {
    const i64 mid = (lo + hi) / 2;
    if (values[mid] < x) lo = mid + 1; else hi = mid;
  }
  ids[i] = lo;
}

__global__ void cell_key_kernel(const i64* __restrict__ ia, const i64* __restrict__ ib, i64 n,
                                u64 kb, u64* __restrict__ keys) {
  const i64 i = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) keys[i] = static_cast<u64>(ia[i]) * kb + static_cast<u64>(ib[i]);
}

__global__ void split_key_kernel(const u64* __restrict__ keys, i64 nnz, u64 kb,
                                 i64* __restrict__ row, i64* __restrict__ col) {
  const i64 i = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= nnz) return;
  row[i] = static_cast<i64>(keys[i] / kb);
  col[i] = static_cast<i64>(keys[i] % kb);
}

// One thread per distinct pair of sizes (i, j): its EMI times how often the
// pair occurs. Work per thread is O(1 + sqrt(a b / n)) (see emi_pair.hpp).
__global__ void emi_kernel(const i64* __restrict__ va, const i64* __restrict__ ma, i64 da,
                           const i64* __restrict__ vb, const i64* __restrict__ mb, i64 db, i64 n,
                           double log_n, i64 first, i64 count, double* __restrict__ out) {
  const i64 t = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= count || first + t >= da * db) return;
  const i64 p = first + t;
  const i64 i = p / db, j = p % db;
  out[t] = static_cast<double>(ma[i]) * static_cast<double>(mb[j]) *
           detail::emi_pair(va[i], vb[j], n, log_n);
}

struct device_remap {
  device_buffer<i64> values;  // distinct labels, ascending (first k entries)
  device_buffer<i64> sizes;   // points per label (first k entries)
  device_buffer<i64> ids;     // id of each point
  i64 k = 0;
};

/// The distinct values of @p in (n keys), ascending, and how often each
/// occurs, on the device; returns how many.
i64 distinct_counts(const i64* in, i64 n, device_buffer<i64>& values, device_buffer<i64>& counts,
                    cudaStream_t s) {
  device_buffer<i64> sorted(static_cast<std::size_t>(n), s);
  radix_sort(in, sorted.data(), n, 64, s);  // CUB orders signed keys correctly
  return run_length_encode(sorted.data(), n, values, counts, s);
}

device_remap remap(const i64* labels, i64 n, cudaStream_t s) {
  device_remap r;
  r.k = distinct_counts(labels, n, r.values, r.sizes, s);
  r.ids = device_buffer<i64>(static_cast<std::size_t>(n), s);
  EM_CUDA_LAUNCH(lower_bound_kernel<<<blocks_for(n), kBlock, 0, s>>>(labels, n, r.values.data(),
                                                                     r.k, r.ids.data()));
  return r;
}

double expected_mi(const i64* sizes_a, i64 ka, const i64* sizes_b, i64 kb, i64 n, cudaStream_t s) {
  if (ka <= 1 || kb <= 1) return 0.0;  // zero entropy on one side: EMI = 0
  device_buffer<i64> va, ma, vb, mb;
  const i64 da = distinct_counts(sizes_a, ka, va, ma, s);  // distinct sizes, multiplicities
  const i64 db = distinct_counts(sizes_b, kb, vb, mb, s);
  const i64 pairs = da * db;  // at most 2n: distinct sizes on a side sum to <= n
  // Pairs in chunks of at most 2^24 terms (128 MiB of doubles), each
  // reduced by CUB; chunk sums are added on the host in order (deterministic).
  const i64 chunk = std::min<i64>(pairs, i64{1} << 24);
  device_buffer<double> terms(static_cast<std::size_t>(chunk), s);
  device_buffer<double> total(1, s);
  std::size_t bytes = 0;
  EM_CUDA_TRY(cub::DeviceReduce::Sum(nullptr, bytes, terms.data(), total.data(), chunk, s));
  device_buffer<unsigned char> tmp(bytes, s);
  const double log_n = std::log(static_cast<double>(n));
  double emi = 0.0;
  for (i64 first = 0; first < pairs; first += chunk) {
    const i64 count = std::min(chunk, pairs - first);
    EM_CUDA_LAUNCH(emi_kernel<<<blocks_for(count), kBlock, 0, s>>>(
        va.data(), ma.data(), da, vb.data(), mb.data(), db, n, log_n, first, count, terms.data()));
    std::size_t used = bytes;
    EM_CUDA_TRY(cub::DeviceReduce::Sum(tmp.data(), used, terms.data(), total.data(), count, s));
    emi += total.to_host()[0];
  }
  return emi;
}

struct device_table {
  contingency_table host;
  device_buffer<i64> sizes_a, sizes_b;  // on the device, for the EMI
};

device_table build_table(const resources& res, label_view a, label_view b) {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  const i64 n = a.size;
  EM_EXPECTS(n < (i64{1} << 31), "agreement on CUDA: ", n,
             " labels; the CUDA backend takes fewer than 2^31 (use the CPU backend)");
  const device_labels da = on_device(a, s, "labels a");
  const device_labels db = on_device(b, s, "labels b");
  device_remap ra = remap(da.data, n, s);
  device_remap rb = remap(db.data, n, s);
  const auto kb = static_cast<u64>(rb.k);
  const u64 cells = static_cast<u64>(ra.k) * kb;  // <= n^2 < 2^62

  device_buffer<u64> keys(static_cast<std::size_t>(n), s), sorted(static_cast<std::size_t>(n), s);
  EM_CUDA_LAUNCH(cell_key_kernel<<<blocks_for(n), kBlock, 0, s>>>(ra.ids.data(), rb.ids.data(), n,
                                                                  kb, keys.data()));
  radix_sort(keys.data(), sorted.data(), n, bits_for(cells), s);
  device_buffer<u64> cell_keys;
  device_buffer<i64> counts;
  const i64 nnz = run_length_encode(sorted.data(), n, cell_keys, counts, s);
  device_buffer<i64> row(static_cast<std::size_t>(nnz), s), col(static_cast<std::size_t>(nnz), s);
  EM_CUDA_LAUNCH(split_key_kernel<<<blocks_for(nnz), kBlock, 0, s>>>(cell_keys.data(), nnz, kb,
                                                                     row.data(), col.data()));

  device_table t;
  t.host.n = n;
  t.host.values_a = to_host(ra.values.data(), static_cast<std::size_t>(ra.k), s);
  t.host.values_b = to_host(rb.values.data(), static_cast<std::size_t>(rb.k), s);
  t.host.sizes_a = to_host(ra.sizes.data(), static_cast<std::size_t>(ra.k), s);
  t.host.sizes_b = to_host(rb.sizes.data(), static_cast<std::size_t>(rb.k), s);
  t.host.row = to_host(row.data(), static_cast<std::size_t>(nnz), s);
  t.host.col = to_host(col.data(), static_cast<std::size_t>(nnz), s);
  t.host.count = to_host(counts.data(), static_cast<std::size_t>(nnz), s);
  t.sizes_a = std::move(ra.sizes);
  t.sizes_b = std::move(rb.sizes);
  return t;
}

class agreement final : public detail::agreement_ops {
 public:
  contingency_table contingency(const resources& res, label_view a, label_view b) const override {
    const call_scope call(res);
    return build_table(res, a, b).host;
  }

  detail::table_and_emi contingency_and_emi(const resources& res, label_view a,
                                            label_view b) const override {
    const call_scope call(res);
    device_table t = build_table(res, a, b);
    cudaStream_t s = context(res).stream;
    detail::table_and_emi out;
    out.expected_mi =
        expected_mi(t.sizes_a.data(), static_cast<i64>(t.host.sizes_a.size()), t.sizes_b.data(),
                    static_cast<i64>(t.host.sizes_b.size()), t.host.n, s);
    out.table = std::move(t.host);
    return out;
  }
};

}  // namespace

const detail::agreement_ops& agreement_operations() {
  static const agreement ops;
  return ops;
}

}  // namespace embed_metrics::gpu
