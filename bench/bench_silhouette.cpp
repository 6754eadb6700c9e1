// Exact silhouette: W0 and W1 on the CPU, W2 and W3 on the GPU. The flop/s
// counter is the nominal 2 n^2 d of all pairs (the work of the plain GEMM
// formulation; the CPU backend computes each pair once, so it can exceed the
// SGEMM rate), to read against BM_silhouette_sgemm_rate_cpu, the machine's
// SGEMM rate measured on the same threads in the same run.
#include <benchmark/benchmark.h>

#include <vector>

#include "cpu/blas.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/silhouette.hpp"
#include "workloads.hpp"

#ifdef EMBED_METRICS_HAS_CUDA
#include <cuda_runtime.h>
#endif

namespace em = embed_metrics;

namespace {

double pair_flop(const em_bench::workload& w) {
  return 2.0 * static_cast<double>(w.n) * static_cast<double>(w.n) * static_cast<double>(w.d);
}

// Argument: CPU threads (0 = all). With 1 thread the CPU time column is the
// whole work, which stays meaningful on a loaded machine.
void silhouette_cpu(benchmark::State& state, const em_bench::workload& w) {
  const auto& ds = em_bench::data_for(w);
  em::resources res("cpu", static_cast<int>(state.range(0)));
  double score = 0.0;
  for (auto _ : state) {
    score = em::silhouette(res, ds.x.view(), ds.labels).score;
    benchmark::DoNotOptimize(score);
  }
  state.counters["flop/s"] =
      benchmark::Counter(pair_flop(w), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = res.threads();
  state.counters["score"] = score;
}

}  // namespace

static void BM_silhouette_cpu_W0(benchmark::State& s) { silhouette_cpu(s, em_bench::kW0); }
static void BM_silhouette_cpu_W1(benchmark::State& s) { silhouette_cpu(s, em_bench::kW1); }
BENCHMARK(BM_silhouette_cpu_W0)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_silhouette_cpu_W1)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The machine's SGEMM rate (argument: threads, 0 = all): C (4096 x 4096) = A B^T with
// d = 512 (W1's dimension), through the same BLAS wrapper the tiles use.
static void BM_silhouette_sgemm_rate_cpu(benchmark::State& state) {
  const std::int64_t m = 4096;
  const std::int64_t d = 512;
  const auto& ds = em_bench::data_for(em_bench::kW1);
  std::vector<float> c(static_cast<std::size_t>(m * m));
  const em::resources res("cpu", static_cast<int>(state.range(0)));
  for (auto _ : state) {
    em::cpu::sgemm_nt(m, m, d, 1.0f, ds.x.data(), d, ds.x.data() + m * d, d, 0.0f, c.data(), m,
                      res.threads());
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["flop/s"] =
      benchmark::Counter(2.0 * static_cast<double>(m * m * d), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = res.threads();
}
BENCHMARK(BM_silhouette_sgemm_rate_cpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef EMBED_METRICS_HAS_CUDA
namespace {

// GPU: inputs already on the device (as a trainer holding its embeddings
// there would pass them), CUDA events around each call after one warm-up.
void silhouette_gpu(benchmark::State& state, const em_bench::workload& w) {
  if (em::cuda_device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const auto& ds = em_bench::data_for(w);
  em::resources res("cuda");
  float* dx = nullptr;
  std::int64_t* dl = nullptr;
  const auto bytes_x = static_cast<std::size_t>(w.n * w.d) * sizeof(float);
  const auto bytes_l = static_cast<std::size_t>(w.n) * sizeof(std::int64_t);
  if (cudaMalloc(&dx, bytes_x) != cudaSuccess || cudaMalloc(&dl, bytes_l) != cudaSuccess) {
    state.SkipWithError("cudaMalloc failed");
    return;
  }
  cudaMemcpy(dx, ds.x.data(), bytes_x, cudaMemcpyHostToDevice);
  cudaMemcpy(dl, ds.labels.data(), bytes_l, cudaMemcpyHostToDevice);
  const em::matrix_view x(dx, w.n, w.d, 0, em::memory_space::device);
  const em::label_view l(dl, w.n, em::memory_space::device);
  auto stream = static_cast<cudaStream_t>(res.stream());
  double score = em::silhouette(res, x, l).score;  // warm-up
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (auto _ : state) {
    cudaEventRecord(start, static_cast<cudaStream_t>(res.stream()));
    score = em::silhouette(res, x, l).score;
    cudaEventRecord(stop, static_cast<cudaStream_t>(res.stream()));
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(static_cast<double>(ms) / 1e3);
  }
  (void)stream;
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(dx);
  cudaFree(dl);
  state.counters["flop/s"] =
      benchmark::Counter(pair_flop(w), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["score"] = score;
}

}  // namespace

static void BM_silhouette_gpu_W2(benchmark::State& s) { silhouette_gpu(s, em_bench::kW2); }
static void BM_silhouette_gpu_W3(benchmark::State& s) { silhouette_gpu(s, em_bench::kW3); }
BENCHMARK(BM_silhouette_gpu_W2)->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
BENCHMARK(BM_silhouette_gpu_W3)->Unit(benchmark::kSecond)->UseManualTime()->Iterations(1);
#endif
