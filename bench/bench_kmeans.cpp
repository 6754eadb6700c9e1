// k-means: k-means++ seeding and one Lloyd iteration, CPU at W0/W1 and GPU at
// W2/W3, plus the whole fit (k-means++ and up to 10 Lloyd iterations) at W1
// on the CPU, the figure to read against bench/anchor_sklearn_kmeans.py.
//
// A Lloyd iteration is timed through the public API as the difference of two
// fits from the same given centres with tol = 0: max_iter = 6 minus
// max_iter = 1, divided by 5, so set-up, the final assignment and the
// inertia cancel out. Its flop counter is the GEMM's 2 n k d.
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "cpu/distance_tile.hpp"
#include "cpu/kmeans_common.hpp"
#include "embed_metrics/kmeans.hpp"
#include "metrics/kmeans_driver.hpp"
#include "workloads.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include <cuda_runtime.h>

#include "backend/cuda_kmeans.hpp"
#endif

namespace em = embed_metrics;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// k rows of the data, spread evenly: the given centres of the Lloyd timing.
em::host_matrix spread_rows(const em::host_matrix& x, std::int64_t k) {
  em::host_matrix c(k, x.cols());
  for (std::int64_t i = 0; i < k; ++i)
    for (std::int64_t j = 0; j < x.cols(); ++j) c(i, j) = x(i * (x.rows() / k), j);
  return c;
}

double plus_plus_flop(const em_bench::workload& w) {
  const int trials = em::detail::kmeans_local_trials(w.k, 0);
  return 2.0 * static_cast<double>(w.n) * static_cast<double>(w.d) *
         (1.0 + static_cast<double>(w.k - 1) * trials);
}

void lloyd_iteration(benchmark::State& state, const em_bench::workload& w, const char* device) {
  const auto& ds = em_bench::data_for(w);
  em::resources res(device);
  const auto init = spread_rows(ds.x, w.k);
  em::kmeans_params p;
  p.k = w.k;
  p.init = em::kmeans_init::given;
  p.initial_centers = init.view();
  p.tol = 0.0;
  int iters_run = 0;
  for (auto _ : state) {
    p.max_iter = 1;
    auto t0 = std::chrono::steady_clock::now();
    const auto one = em::kmeans(res, ds.x.view(), p);
    const double t_one = seconds_since(t0);
    p.max_iter = 6;
    t0 = std::chrono::steady_clock::now();
    const auto six = em::kmeans(res, ds.x.view(), p);
    const double t_six = seconds_since(t0);
    iters_run = six.n_iter;
    benchmark::DoNotOptimize(one.inertia);
    state.SetIterationTime((t_six - t_one) / std::max(1, six.n_iter - one.n_iter));
  }
  state.counters["flop/s"] = benchmark::Counter(
      2.0 * static_cast<double>(w.n) * static_cast<double>(w.k) * static_cast<double>(w.d),
      benchmark::Counter::kIsIterationInvariantRate);
  state.counters["lloyd_iters"] = iters_run;
  state.SetLabel(std::string(w.name) + " " + res.describe());
}

void BM_kmeans_plusplus_cpu(benchmark::State& state, const em_bench::workload& w) {
  const auto& ds = em_bench::data_for(w);
  em::resources res("cpu");
  em::kmeans_params p;
  p.k = w.k;
  for (auto _ : state) {
    // The driver's seeding on the CPU primitives (with the row norms, n d reads).
    const auto c = em::detail::kmeans_init_host(res, ds.x.view(), p, {0});
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["flop/s"] = benchmark::Counter(plus_plus_flop(w), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(w.name) + " " + res.describe());
}

void BM_kmeans_lloyd_cpu(benchmark::State& state, const em_bench::workload& w) {
  lloyd_iteration(state, w, "cpu");
}

/// The whole fit at W1 as a user runs it: k-means++ then Lloyd, n_init = 1,
/// max_iter = 10 (the anchor script times scikit-learn the same way).
void BM_kmeans_fit_cpu(benchmark::State& state, const em_bench::workload& w) {
  const auto& ds = em_bench::data_for(w);
  em::resources res("cpu");
  em::kmeans_params p;
  p.k = w.k;
  p.max_iter = 10;
  int n_iter = 0;
  for (auto _ : state) {
    const auto r = em::kmeans(res, ds.x.view(), p);
    n_iter = r.n_iter;
    benchmark::DoNotOptimize(r.inertia);
  }
  state.counters["lloyd_iters"] = n_iter;
  state.SetLabel(std::string(w.name) + " " + res.describe());
}

}  // namespace

BENCHMARK_CAPTURE(BM_kmeans_plusplus_cpu, W0, em_bench::kW0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_kmeans_plusplus_cpu, W1, em_bench::kW1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_kmeans_lloyd_cpu, W0, em_bench::kW0)->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK_CAPTURE(BM_kmeans_lloyd_cpu, W1, em_bench::kW1)->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK_CAPTURE(BM_kmeans_fit_cpu, W1, em_bench::kW1)->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef EMBED_METRICS_HAS_CUDA
namespace {

bool skip_without_gpu(benchmark::State& state) {
  if (em::cuda_device_count() > 0) return false;
  state.SkipWithError("no CUDA device on this machine");
  return true;
}

/// k-means++ on the device: the data copied once, then the seeding alone
/// timed with CUDA events after a warm-up.
void BM_kmeans_plusplus_gpu(benchmark::State& state, const em_bench::workload& w) {
  if (skip_without_gpu(state)) return;
  const auto& ds = em_bench::data_for(w);
  em::resources res("cuda");
  float *x = nullptr, *centers = nullptr;
  cudaMalloc(reinterpret_cast<void**>(&x), sizeof(float) * w.n * w.d);
  cudaMalloc(reinterpret_cast<void**>(&centers), sizeof(float) * w.k * w.d);
  cudaMemcpy(x, ds.x.data(), sizeof(float) * w.n * w.d, cudaMemcpyHostToDevice);
  em::kmeans_params p;
  p.k = w.k;
  const em::matrix_view xv(x, w.n, w.d, 0, em::memory_space::device);
  em::gpu::kmeans_plus_plus(res, xv, p, {0}, centers);  // warm-up
  res.synchronize();
  const auto stream = static_cast<cudaStream_t>(res.stream());  // made by the first use
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (auto _ : state) {
    cudaEventRecord(start, stream);
    em::gpu::kmeans_plus_plus(res, xv, p, {0}, centers);
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(static_cast<double>(ms) / 1e3);
  }
  state.counters["flop/s"] = benchmark::Counter(plus_plus_flop(w), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(w.name) + " " + res.describe());
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(x);
  cudaFree(centers);
}

/// One Lloyd iteration on the device (difference of two fits from device
/// data, as lloyd_iteration; each fit ends with the results on the host).
void BM_kmeans_lloyd_gpu(benchmark::State& state, const em_bench::workload& w) {
  if (skip_without_gpu(state)) return;
  lloyd_iteration(state, w, "cuda");
}

}  // namespace

BENCHMARK_CAPTURE(BM_kmeans_plusplus_gpu, W2, em_bench::kW2)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_kmeans_plusplus_gpu, W3, em_bench::kW3)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_kmeans_lloyd_gpu, W2, em_bench::kW2)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_kmeans_lloyd_gpu, W3, em_bench::kW3)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
#endif
