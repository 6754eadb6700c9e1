// The CUDA backend's k-means++ primitives: a sampling kernel (Philox
// uniforms against block prefix sums of D^2), a gather, one small cuBLAS
// GEMM of all rows against every run's candidates, a min / clamp epilogue,
// fixed-order block sums of the candidate potentials and a choose kernel;
// all on the stream, with no host round trip.

#include "backend/cuda_kmeans.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/device_checks.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/kmeans_kernels.cuh"
#include "cuda/kmeans_ops.cuh"
#include "metrics/kmeans_driver.hpp"

namespace embed_metrics::gpu {

void kmeans_device_ops::pp_candidates(const resources& res, rows x, const float* xn,
                                      const std::int64_t* cand, std::int64_t m,
                                      const float* closest, int trials, float* dist,
                                      double* part) const {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  device_buffer<float> cand_rows(static_cast<std::size_t>(m * x.d), s);
  device_buffer<float> cand_norms(static_cast<std::size_t>(m), s);
  km::gather_rows(x.data, x.ld, x.d, cand, m, xn, cand_rows.data(), cand_norms.data(), s);
  sgemm_nt(ctx.cublas, x.n, m, x.d, -2.0f, x.data, x.ld, cand_rows.data(), x.d, 0.0f, dist, m);
  km::candidate_min(dist, x.n, m, xn, cand_norms.data(), cand, closest, trials, s);
  km::block_sums(dist, x.n, m, m, 1, part, s);
}

void kmeans_device_ops::pp_sample(const resources& res, const float* closest,
                                  const double* run_part, std::int64_t n,
                                  const std::uint64_t* seeds, int runs, int trials,
                                  std::uint32_t step, std::int64_t* cand) const {
  const std::int64_t blocks = (n + km::kBlockRows - 1) / km::kBlockRows;
  km::sample_candidates(closest, run_part, n, blocks, seeds, runs, trials, step, cand,
                        context(res).stream);
}

void kmeans_device_ops::pp_choose(const resources& res, rows x, const float* dist,
                                  const double* part, int runs, int trials,
                                  const std::int64_t* cand, std::int64_t k, std::int64_t step,
                                  float* centers, double* run_part, float* closest) const {
  cudaStream_t s = context(res).stream;
  const std::int64_t blocks = (x.n + km::kBlockRows - 1) / km::kBlockRows;
  device_buffer<int> best(static_cast<std::size_t>(runs), s);
  km::choose_candidates(x.data, x.ld, x.d, dist, x.n, part, blocks, runs, trials, cand, k, step,
                        centers, run_part, closest, best.data(), s);
}

void kmeans_plus_plus(const resources& res, matrix_view x, const kmeans_params& params,
                      const std::vector<std::uint64_t>& seeds, float* centers) {
  auto& ctx = context(res);
  check_int32_rows(x.rows, "x", "kmeans_plus_plus");
  EM_EXPECTS(x.space == memory_space::device, "kmeans_plus_plus on CUDA: x must be a device view");
  check_pointer(x.data, x.space, "x");
  check_pointer(centers, memory_space::device, "centers");
  device_buffer<float> xn(static_cast<std::size_t>(x.rows), ctx.stream);
  row_sqnorms(x.data, x.rows, x.cols, x.ld(), xn.data(), ctx.stream);
  kmeans_params p = params;
  if (p.init == kmeans_init::given) p.init = kmeans_init::kmeans_plus_plus;  // no centres are given here
  detail::kmeans_init_centers(res, kmeans_operations(), detail::kmeans_rows{x.data, x.rows, x.cols, x.ld()},
                              xn.data(), p, nullptr, seeds, centers);
}

}  // namespace embed_metrics::gpu
