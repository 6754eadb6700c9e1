// k-means seeding on the device. Greedy k-means++ as scikit-learn's
// _kmeans_plusplus, batched over runs: each centre is one sampling kernel
// (Philox uniforms against block prefix sums of D^2), one gather, one small
// cuBLAS GEMM of all rows against every run's candidates, a min/clamp
// epilogue, fixed-order block sums of the candidate potentials, and a choose
// kernel; nothing comes back to the host until all k centres are chosen.

#include <limits>

#include "backend/cuda_kmeans.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "cpu/kmeans_common.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/device_checks.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/kmeans_device.cuh"
#include "cuda/kmeans_kernels.cuh"

namespace embed_metrics::gpu::km {
namespace {

void plus_plus(detail::cuda_context& ctx, device_rows x, const float* xn, std::int64_t k,
               int trials, const std::vector<std::uint64_t>& seeds, float* centers) {
  cudaStream_t s = ctx.stream;
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  const int runs = static_cast<int>(seeds.size());
  const std::int64_t m = static_cast<std::int64_t>(runs) * trials;
  const std::int64_t blocks = (n + kBlockRows - 1) / kBlockRows;

  device_buffer<std::uint64_t> d_seeds(seeds.size(), s);
  d_seeds.upload(seeds.data(), seeds.size());
  std::vector<std::int64_t> first(seeds.size());
  for (std::size_t r = 0; r < seeds.size(); ++r) first[r] = detail::kmeans_first_center(seeds[r], n);
  device_buffer<std::int64_t> cand(static_cast<std::size_t>(m), s);
  cand.upload(first.data(), first.size());
  device_buffer<float> cand_rows(static_cast<std::size_t>(m * d), s);
  device_buffer<float> cand_norms(static_cast<std::size_t>(m), s);
  device_buffer<float> dist(static_cast<std::size_t>(n * m), s, "the k-means++ candidate distances");
  device_buffer<double> part(static_cast<std::size_t>(blocks * m), s);
  device_buffer<double> run_part(static_cast<std::size_t>(blocks * runs), s);
  device_buffer<float> closest(static_cast<std::size_t>(n * runs), s);
  device_buffer<int> best(static_cast<std::size_t>(runs), s);

  // Centre 0 of each run: one "candidate" per run, adopted as it is.
  gather_rows(x.data, x.ld, d, cand.data(), runs, xn, cand_rows.data(), cand_norms.data(), s);
  sgemm_nt(ctx.cublas, n, runs, d, -2.0f, x.data, x.ld, cand_rows.data(), d, 0.0f, dist.data(), runs);
  candidate_min(dist.data(), n, runs, xn, cand_norms.data(), cand.data(), nullptr, 1, s);
  block_sums(dist.data(), n, runs, runs, 1, part.data(), s);
  choose_candidates(x.data, x.ld, d, dist.data(), n, part.data(), blocks, runs, 1, cand.data(), k,
                    0, centers, run_part.data(), closest.data(), best.data(), s);

  for (std::int64_t c = 1; c < k; ++c) {
    sample_candidates(closest.data(), run_part.data(), n, blocks, d_seeds.data(), runs, trials,
                      static_cast<std::uint32_t>(c), cand.data(), s);
    gather_rows(x.data, x.ld, d, cand.data(), m, xn, cand_rows.data(), cand_norms.data(), s);
    sgemm_nt(ctx.cublas, n, m, d, -2.0f, x.data, x.ld, cand_rows.data(), d, 0.0f, dist.data(), m);
    candidate_min(dist.data(), n, m, xn, cand_norms.data(), cand.data(), closest.data(), trials, s);
    block_sums(dist.data(), n, m, m, 1, part.data(), s);
    choose_candidates(x.data, x.ld, d, dist.data(), n, part.data(), blocks, runs, trials,
                      cand.data(), k, c, centers, run_part.data(), closest.data(), best.data(), s);
  }
}

}  // namespace

void init_centers(detail::cuda_context& ctx, device_rows x, const float* xn,
                  const kmeans_params& p, const float* given,
                  const std::vector<std::uint64_t>& seeds, float* centers) {
  cudaStream_t s = ctx.stream;
  const std::int64_t k = p.k;
  const std::int64_t d = x.d;
  if (p.init == kmeans_init::kmeans_plus_plus) {
    plus_plus(ctx, x, xn, k, detail::kmeans_local_trials(k, p.n_local_trials), seeds, centers);
    return;
  }
  if (p.init == kmeans_init::given) {
    for (std::size_t r = 0; r < seeds.size(); ++r)
      EM_CUDA_TRY(cudaMemcpyAsync(centers + static_cast<std::int64_t>(r) * k * d, given,
                                  sizeof(float) * static_cast<std::size_t>(k * d),
                                  cudaMemcpyDeviceToDevice, s));
    return;
  }
  std::vector<std::int64_t> rows;
  for (const auto seed : seeds) {
    const auto one = detail::kmeans_random_rows(seed, x.n, k);
    rows.insert(rows.end(), one.begin(), one.end());
  }
  device_buffer<std::int64_t> d_rows(rows.size(), s);
  d_rows.upload(rows.data(), rows.size());
  gather_rows(x.data, x.ld, d, d_rows.data(), static_cast<std::int64_t>(rows.size()), nullptr,
              centers, nullptr, s);
  EM_CUDA_TRY(cudaStreamSynchronize(s));  // rows (host) must outlive the upload
}

}  // namespace embed_metrics::gpu::km

namespace embed_metrics::gpu {

void kmeans_plus_plus(const resources& res, matrix_view x, const kmeans_params& params,
                      const std::vector<std::uint64_t>& seeds, float* centers) {
  auto& ctx = context(res);
  check_int32_rows(x.rows, "x", "kmeans_plus_plus");
  EM_EXPECTS(x.space == memory_space::device, "kmeans_plus_plus on CUDA: x must be a device view");
  check_pointer(x.data, x.space, "x");
  check_pointer(centers, memory_space::device, "centers");
  device_buffer<float> xn(static_cast<std::size_t>(x.rows), ctx.stream);
  row_sqnorms(x.data, x.rows, x.cols, x.ld(), xn.data(), ctx.stream);
  km::init_centers(ctx, km::device_rows{x.data, x.rows, x.cols, x.ld()}, xn.data(), params, nullptr,
                   seeds, centers);
}

}  // namespace embed_metrics::gpu
