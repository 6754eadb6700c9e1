// The CUDA backend of k-means: batched Lloyd iterations. Each iteration is,
// per tile of rows, one cuBLAS SGEMM against the stacked centres of every run
// still iterating and one argmin kernel, so the n x (runs k) matrix is never
// held whole for large n. The centroid update is deterministic: a stable
// radix sort of the labels, then per-cluster sums in row order in double.

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include <algorithm>
#include <numeric>

#include "backend/cuda_kmeans.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "cpu/kmeans_common.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/kmeans_device.cuh"
#include "cuda/kmeans_kernels.cuh"

namespace embed_metrics::gpu {
namespace {

using km::device_rows;

/// Floats in one tile of the distance matrix (rows x stacked centres): 256 MiB.
constexpr std::int64_t kTileFloats = std::int64_t{1} << 26;

enum class run_state { iterating, finalizing, done };

struct run_info {
  int cur = 0;  // which of the two label buffers holds the last assignment
  run_state state = run_state::iterating;
  int n_iter = 0;
  bool converged = false;
};

/// Rows of @p m on the device, packed (ld = d); normalised to unit length when
/// @p unit (throwing for a zero row). @p keep owns any copy made.
device_rows prepare_rows(matrix_view m, bool unit, const char* name, device_buffer<float>& keep,
                         cudaStream_t s) {
  device_matrix dm = on_device(m, s, name);
  const std::int64_t n = dm.rows;
  const std::int64_t d = dm.cols;
  if (unit) {
    keep = device_buffer<float>(static_cast<std::size_t>(n * d), s);
    device_buffer<unsigned long long> zero(1, s);
    EM_CUDA_TRY(cudaMemsetAsync(zero.data(), 0xff, sizeof(unsigned long long), s));
    km::normalize_rows(dm.data, dm.ld, n, d, keep.data(), zero.data(), s);
    const auto row = zero.to_host()[0];
    EM_EXPECTS(row == ~0ull, name, " row ", row,
               " is all zeros: the cosine metric needs non-zero rows (drop them or use euclidean)");
    return {keep.data(), n, d, d};
  }
  if (dm.owned.size() > 0 || m.space == memory_space::host) {
    keep = std::move(dm.owned);
    return {keep.data(), n, d, d};
  }
  return {dm.data, n, d, dm.ld};  // a device view, used in place
}

double tolerance(device_rows x, double tol, cudaStream_t s) {
  if (tol == 0.0) return 0.0;
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
  double total = 0.0;
  for (const double v : var) total += v;
  return total / static_cast<double>(d) * tol;
}

/// The assignment of every row to the nearest of each run's k centres
/// (stacked: runs * k rows of d floats, norms cn); outs: device array of runs
/// label pointers.
void assign(detail::cuda_context& ctx, device_rows x, const float* stacked, const float* cn,
            std::int64_t k, int runs, std::int32_t* const* outs, device_buffer<float>& tile) {
  const std::int64_t m = k * runs;
  const std::int64_t chunk = std::min(x.n, std::max<std::int64_t>(1, kTileFloats / m));
  if (tile.size() < static_cast<std::size_t>(chunk * m))
    tile = device_buffer<float>(static_cast<std::size_t>(chunk * m), ctx.stream,
                                "the k-means assignment tile");
  for (std::int64_t r0 = 0; r0 < x.n; r0 += chunk) {
    const std::int64_t rows = std::min(chunk, x.n - r0);
    sgemm_nt(ctx.cublas, rows, m, x.d, -2.0f, x.data + r0 * x.ld, x.ld, stacked, x.d, 0.0f,
             tile.data(), m);
    km::argmin_segments(tile.data(), rows, m, cn, k, runs, outs, r0, ctx.stream);
  }
}

int key_bits(std::int64_t k) {
  int bits = 1;
  while ((std::int64_t{1} << bits) < k) ++bits;
  return bits;
}

/// Scratch of the centroid update, sized once.
struct update_scratch {
  device_buffer<int> counts, start;
  device_buffer<std::int32_t> iota, order, keys;
  device_buffer<double> sums, shift, dist;
  device_buffer<float> fresh;
  device_buffer<unsigned long long> changed;
  device_buffer<std::uint8_t> temp;
};

}  // namespace

std::vector<kmeans_result> kmeans_batch(const resources& res, matrix_view x_in,
                                        const kmeans_params& p,
                                        const std::vector<std::uint64_t>& seeds) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  cudaStream_t s = ctx.stream;
  check_int32_rows(x_in.rows, "x", "kmeans");
  const bool spherical = p.metric == kmeans_metric::cosine;
  device_buffer<float> x_keep, init_keep;
  const device_rows x = prepare_rows(x_in, spherical, "x", x_keep, s);
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  const std::int64_t k = p.k;
  const int runs = static_cast<int>(seeds.size());
  const float* given = nullptr;
  if (p.init == kmeans_init::given)
    given = prepare_rows(p.initial_centers, spherical, "initial_centers", init_keep, s).data;
  if (given != nullptr && p.initial_centers.space == memory_space::device && !spherical &&
      p.initial_centers.ld() != d) {
    // A strided device view: pack it.
    init_keep = device_buffer<float>(static_cast<std::size_t>(k * d), s);
    EM_CUDA_TRY(cudaMemcpy2DAsync(init_keep.data(), sizeof(float) * d, p.initial_centers.data,
                                  sizeof(float) * p.initial_centers.ld(), sizeof(float) * d, k,
                                  cudaMemcpyDeviceToDevice, s));
    given = init_keep.data();
  }
  const double tol = tolerance(x, p.tol, s);

  device_buffer<float> xn(static_cast<std::size_t>(n), s);
  row_sqnorms(x.data, n, d, x.ld, xn.data(), s);
  device_buffer<float> centers(static_cast<std::size_t>(runs * k * d), s);
  km::init_centers(ctx, x, xn.data(), p, given, seeds, centers.data());

  // Two label buffers per run: the last assignment and the one being made.
  device_buffer<std::int32_t> labels(static_cast<std::size_t>(2 * runs * n), s);
  EM_CUDA_TRY(cudaMemsetAsync(labels.data(), 0xff, sizeof(std::int32_t) * 2 * runs * n, s));
  auto label_buf = [&](int r, int which) { return labels.data() + (2 * r + which) * n; };

  update_scratch u;
  u.counts = device_buffer<int>(static_cast<std::size_t>(k + 1), s);
  u.start = device_buffer<int>(static_cast<std::size_t>(k + 1), s);
  u.iota = device_buffer<std::int32_t>(static_cast<std::size_t>(n), s);
  u.order = device_buffer<std::int32_t>(static_cast<std::size_t>(n), s);
  u.keys = device_buffer<std::int32_t>(static_cast<std::size_t>(n), s);
  u.sums = device_buffer<double>(static_cast<std::size_t>(k * d), s);
  u.shift = device_buffer<double>(static_cast<std::size_t>(k), s);
  u.fresh = device_buffer<float>(static_cast<std::size_t>(k * d), s);
  u.changed = device_buffer<unsigned long long>(1, s);
  km::iota(u.iota.data(), n, s);
  std::size_t sort_bytes = 0, scan_bytes = 0;
  EM_CUDA_TRY(cub::DeviceRadixSort::SortPairs(nullptr, sort_bytes, u.keys.data(), u.keys.data(),
                                              u.iota.data(), u.order.data(), n, 0, key_bits(k), s));
  EM_CUDA_TRY(cub::DeviceScan::ExclusiveSum(nullptr, scan_bytes, u.counts.data(), u.start.data(),
                                            k + 1, s));
  u.temp = device_buffer<std::uint8_t>(std::max(sort_bytes, scan_bytes), s);

  std::vector<run_info> info(static_cast<std::size_t>(runs));
  device_buffer<float> stacked_keep, cn(static_cast<std::size_t>(runs * k), s), tile;
  device_buffer<std::int32_t*> d_outs(static_cast<std::size_t>(runs), s);
  std::vector<std::int32_t*> outs;
  std::vector<int> live;
  std::vector<int> h_counts(static_cast<std::size_t>(k));
  std::vector<double> h_shift(static_cast<std::size_t>(k));

  for (;;) {
    live.clear();
    for (int r = 0; r < runs; ++r)
      if (info[static_cast<std::size_t>(r)].state != run_state::done) live.push_back(r);
    if (live.empty()) break;
    const int a_runs = static_cast<int>(live.size());
    const float* stacked = centers.data();
    if (a_runs < runs) {  // pack the centres of the runs still going
      if (stacked_keep.size() == 0) stacked_keep = device_buffer<float>(static_cast<std::size_t>(runs * k * d), s);
      for (int a = 0; a < a_runs; ++a)
        EM_CUDA_TRY(cudaMemcpyAsync(stacked_keep.data() + a * k * d, centers.data() + live[static_cast<std::size_t>(a)] * k * d,
                                    sizeof(float) * static_cast<std::size_t>(k * d),
                                    cudaMemcpyDeviceToDevice, s));
      stacked = stacked_keep.data();
    }
    outs.clear();
    for (const int r : live) outs.push_back(label_buf(r, 1 - info[static_cast<std::size_t>(r)].cur));
    d_outs.upload(outs.data(), outs.size());
    row_sqnorms(stacked, a_runs * k, d, d, cn.data(), s);
    assign(ctx, x, stacked, cn.data(), k, a_runs, d_outs.data(), tile);

    for (const int r : live) {
      auto& st = info[static_cast<std::size_t>(r)];
      std::int32_t* next = label_buf(r, 1 - st.cur);
      std::int32_t* prev = label_buf(r, st.cur);
      float* ctr = centers.data() + static_cast<std::int64_t>(r) * k * d;
      if (st.state == run_state::finalizing) {
        st.cur = 1 - st.cur;
        st.state = run_state::done;
        continue;
      }
      ++st.n_iter;
      // Counts, a stable sort of the rows by label, per-cluster sums.
      EM_CUDA_TRY(cudaMemsetAsync(u.counts.data(), 0, sizeof(int) * (k + 1), s));
      km::count_labels(next, n, k, u.counts.data(), s);
      EM_CUDA_TRY(cub::DeviceScan::ExclusiveSum(u.temp.data(), scan_bytes, u.counts.data(),
                                                u.start.data(), k + 1, s));
      EM_CUDA_TRY(cub::DeviceRadixSort::SortPairs(u.temp.data(), sort_bytes, next, u.keys.data(),
                                                  u.iota.data(), u.order.data(), n, 0,
                                                  key_bits(k), s));
      km::cluster_sums(x.data, x.ld, d, u.order.data(), u.start.data(), k, u.sums.data(), s);
      EM_CUDA_TRY(cudaMemcpyAsync(h_counts.data(), u.counts.data(), sizeof(int) * k,
                                  cudaMemcpyDeviceToHost, s));
      EM_CUDA_TRY(cudaStreamSynchronize(s));
      std::vector<std::int64_t> empty;
      for (std::int64_t c = 0; c < k; ++c)
        if (h_counts[static_cast<std::size_t>(c)] == 0) empty.push_back(c);
      if (!empty.empty()) {
        // scikit-learn's _relocate_empty_clusters: the rows farthest from
        // their centres, farthest first (lower row first on ties).
        if (u.dist.size() == 0) u.dist = device_buffer<double>(static_cast<std::size_t>(n), s);
        km::row_center_sqdist(x.data, x.ld, d, next, ctr, n, u.dist.data(), s);
        const auto dist = u.dist.to_host();
        std::vector<std::int32_t> lab(static_cast<std::size_t>(n));
        EM_CUDA_TRY(cudaMemcpyAsync(lab.data(), next, sizeof(std::int32_t) * n, cudaMemcpyDeviceToHost, s));
        EM_CUDA_TRY(cudaStreamSynchronize(s));
        const std::vector<std::int64_t> far = detail::farthest_rows(dist, empty.size());
        const auto n_empty = static_cast<std::int64_t>(far.size());
        std::vector<std::int64_t> moves(static_cast<std::size_t>(3 * n_empty));
        for (std::int64_t e = 0; e < n_empty; ++e) {
          const std::int64_t row = far[static_cast<std::size_t>(e)];
          const std::int64_t from = lab[static_cast<std::size_t>(row)];
          const std::int64_t to = empty[static_cast<std::size_t>(e)];
          moves[static_cast<std::size_t>(e)] = row;
          moves[static_cast<std::size_t>(n_empty + e)] = from;
          moves[static_cast<std::size_t>(2 * n_empty + e)] = to;
          h_counts[static_cast<std::size_t>(to)] = 1;
          h_counts[static_cast<std::size_t>(from)] -= 1;
        }
        device_buffer<std::int64_t> d_moves(moves.size(), s);
        d_moves.upload(moves.data(), moves.size());
        km::relocate(x.data, x.ld, d, d_moves.data(), d_moves.data() + n_empty,
                     d_moves.data() + 2 * n_empty, n_empty, u.sums.data(), s);
        EM_CUDA_TRY(cudaMemcpyAsync(u.counts.data(), h_counts.data(), sizeof(int) * k,
                                    cudaMemcpyHostToDevice, s));
        EM_CUDA_TRY(cudaStreamSynchronize(s));
      }
      km::finish_centers(u.sums.data(), u.counts.data(), k, d, spherical, ctr, u.fresh.data(),
                         u.shift.data(), s);
      EM_CUDA_TRY(cudaMemsetAsync(u.changed.data(), 0, sizeof(unsigned long long), s));
      km::count_changed(prev, next, n, u.changed.data(), s);
      EM_CUDA_TRY(cudaMemcpyAsync(ctr, u.fresh.data(), sizeof(float) * k * d,
                                  cudaMemcpyDeviceToDevice, s));
      EM_CUDA_TRY(cudaMemcpyAsync(h_shift.data(), u.shift.data(), sizeof(double) * k,
                                  cudaMemcpyDeviceToHost, s));
      const auto changed = u.changed.to_host()[0];  // synchronises
      double shift = 0.0;
      for (const double v : h_shift) shift += v;
      st.cur = 1 - st.cur;
      if (changed == 0) {
        st.converged = true;
        st.state = run_state::done;
      } else if (shift <= tol) {
        st.converged = true;
        st.state = run_state::finalizing;
      } else if (st.n_iter >= p.max_iter) {
        st.state = run_state::finalizing;
      }
    }
  }

  const std::int64_t blocks = (n + km::kBlockRows - 1) / km::kBlockRows;
  device_buffer<double> part(static_cast<std::size_t>(blocks), s);
  std::vector<kmeans_result> out(static_cast<std::size_t>(runs));
  for (int r = 0; r < runs; ++r) {
    const auto& st = info[static_cast<std::size_t>(r)];
    auto& res_r = out[static_cast<std::size_t>(r)];
    const std::int32_t* lab = label_buf(r, st.cur);
    const float* ctr = centers.data() + static_cast<std::int64_t>(r) * k * d;
    km::inertia_blocks(x.data, x.ld, d, lab, ctr, n, part.data(), s);
    const auto h_part = part.to_host();
    double inertia = 0.0;
    for (const double v : h_part) inertia += v;
    res_r.inertia = spherical ? 0.5 * inertia : inertia;
    res_r.centers = host_matrix(to_host(ctr, static_cast<std::size_t>(k * d), s), k, d);
    const auto l32 = to_host(lab, static_cast<std::size_t>(n), s);
    res_r.labels.assign(l32.begin(), l32.end());
    res_r.n_iter = st.n_iter;
    res_r.converged = st.converged;
    res_r.seed = seeds[static_cast<std::size_t>(r)];
  }
  return out;
}

std::vector<std::int64_t> kmeans_predict(const resources& res, matrix_view x_in,
                                         matrix_view centers_in, kmeans_metric metric) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  cudaStream_t s = ctx.stream;
  check_int32_rows(x_in.rows, "x", "kmeans_predict");
  check_int32_rows(centers_in.rows, "centers", "kmeans_predict");
  const bool unit = metric == kmeans_metric::cosine;
  device_buffer<float> x_keep, c_keep, cn(static_cast<std::size_t>(centers_in.rows), s), tile;
  const device_rows x = prepare_rows(x_in, unit, "x", x_keep, s);
  device_rows c = prepare_rows(centers_in, unit, "centers", c_keep, s);
  if (c.ld != c.d) {
    c_keep = device_buffer<float>(static_cast<std::size_t>(c.n * c.d), s);
    EM_CUDA_TRY(cudaMemcpy2DAsync(c_keep.data(), sizeof(float) * c.d, c.data, sizeof(float) * c.ld,
                                  sizeof(float) * c.d, c.n, cudaMemcpyDeviceToDevice, s));
    c = {c_keep.data(), c.n, c.d, c.d};
  }
  row_sqnorms(c.data, c.n, c.d, c.d, cn.data(), s);
  device_buffer<std::int32_t> labels(static_cast<std::size_t>(x.n), s);
  device_buffer<std::int32_t*> d_outs(1, s);
  std::int32_t* out_ptr = labels.data();
  d_outs.upload(&out_ptr, 1);
  assign(ctx, x, c.data, cn.data(), c.n, 1, d_outs.data(), tile);
  const auto l32 = labels.to_host();
  return {l32.begin(), l32.end()};
}

}  // namespace embed_metrics::gpu
