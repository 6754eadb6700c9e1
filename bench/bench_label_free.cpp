// The label-free metrics beyond the study on W1 (CPU) and W2 (GPU). The
// uniformity's flop/s counter is n^2 d: the GEMM work of the pairs i <= j
// that it computes, so that counter over BM_silhouette_sgemm_rate_cpu (the
// SGEMM rate on the same threads, same run) is the fraction of the pairwise
// floor reached. The others report rows per second (one O(n d) or
// second-moment pass each).
#include <benchmark/benchmark.h>

#include <vector>

#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"
#include "workloads.hpp"

#ifdef EMBED_METRICS_HAS_CUDA
#include <cuda_runtime.h>
#endif

namespace em = embed_metrics;

namespace {

double half_pair_flop(const em_bench::workload& w) {
  return static_cast<double>(w.n) * static_cast<double>(w.n) * static_cast<double>(w.d);
}

void rows_counter(benchmark::State& state, const em_bench::workload& w, const em::resources& res) {
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(w.n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = res.threads();
}

// Argument: CPU threads (0 = all).
void uniformity_cpu(benchmark::State& state, const em_bench::workload& w) {
  const auto& ds = em_bench::data_for(w);
  em::resources res("cpu", static_cast<int>(state.range(0)));
  double u = 0.0;
  for (auto _ : state) {
    const em::uniformity_result r = em::uniformity(res, ds.x.view());
    u = r.uniformity;
  }
  state.counters["flop/s"] =
      benchmark::Counter(half_pair_flop(w), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = res.threads();
  state.counters["uniformity"] = u;
}

}  // namespace

static void BM_uniformity_cpu_W0(benchmark::State& s) { uniformity_cpu(s, em_bench::kW0); }
static void BM_uniformity_cpu_W1(benchmark::State& s) { uniformity_cpu(s, em_bench::kW1); }
BENCHMARK(BM_uniformity_cpu_W0)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_uniformity_cpu_W1)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_spectrum_metrics_cpu_W1(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  em::resources res("cpu");
  double a = 0.0;
  for (auto _ : state) {
    a = em::spectrum_metrics(res, ds.x.view()).alpha_req;
    benchmark::DoNotOptimize(a);
  }
  rows_counter(state, em_bench::kW1, res);
  state.counters["alpha_req"] = a;
}
BENCHMARK(BM_spectrum_metrics_cpu_W1)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_cluster_scores_cpu_W1(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  em::resources res("cpu");
  double db = 0.0, ch = 0.0;
  for (auto _ : state) {
    db = em::davies_bouldin(res, ds.x.view(), ds.labels).score;
    ch = em::calinski_harabasz(res, ds.x.view(), ds.labels).score;
    benchmark::DoNotOptimize(db + ch);
  }
  rows_counter(state, em_bench::kW1, res);
  state.counters["davies_bouldin"] = db;
  state.counters["calinski_harabasz"] = ch;
}
BENCHMARK(BM_cluster_scores_cpu_W1)->Unit(benchmark::kMillisecond)->UseRealTime();

// LiDAR with W1's rows as 2500 images of 4 views each.
static void BM_lidar_cpu_W1(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  em::resources res("cpu");
  std::vector<std::int64_t> groups(static_cast<std::size_t>(em_bench::kW1.n));
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i] = static_cast<std::int64_t>(i / 4);
  double l = 0.0;
  for (auto _ : state) {
    l = em::lidar(res, ds.x.view(), groups).lidar;
    benchmark::DoNotOptimize(l);
  }
  rows_counter(state, em_bench::kW1, res);
  state.counters["lidar"] = l;
}
BENCHMARK(BM_lidar_cpu_W1)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_alignment_collapse_cpu_W1(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  em::resources res("cpu");
  const auto half = em_bench::kW1.n / 2;
  double a = 0.0, c = 0.0;
  for (auto _ : state) {
    a = em::alignment(res, ds.x.view().row_block(0, half), ds.x.view().row_block(half, half)).alignment;
    c = em::collapse_std(res, ds.x.view()).collapse_std;
    benchmark::DoNotOptimize(a + c);
  }
  rows_counter(state, em_bench::kW1, res);
  state.counters["alignment"] = a;
  state.counters["collapse_std"] = c;
}
BENCHMARK(BM_alignment_collapse_cpu_W1)->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef EMBED_METRICS_HAS_CUDA
// GPU uniformity, the rows already on the device, CUDA events after a warm-up.
static void BM_uniformity_gpu_W2(benchmark::State& state) {
  if (em::cuda_device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const auto& w = em_bench::kW2;
  const auto& ds = em_bench::data_for(w);
  em::resources res("cuda");
  float* dx = nullptr;
  const auto bytes = static_cast<std::size_t>(w.n * w.d) * sizeof(float);
  if (cudaMalloc(&dx, bytes) != cudaSuccess) {
    state.SkipWithError("cudaMalloc failed");
    return;
  }
  cudaMemcpy(dx, ds.x.data(), bytes, cudaMemcpyHostToDevice);
  const em::matrix_view x(dx, w.n, w.d, 0, em::memory_space::device);
  double u = em::uniformity(res, x).uniformity;  // warm-up
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (auto _ : state) {
    cudaEventRecord(start, static_cast<cudaStream_t>(res.stream()));
    u = em::uniformity(res, x).uniformity;
    cudaEventRecord(stop, static_cast<cudaStream_t>(res.stream()));
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(static_cast<double>(ms) / 1e3);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(dx);
  state.counters["flop/s"] =
      benchmark::Counter(half_pair_flop(w), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["uniformity"] = u;
}
BENCHMARK(BM_uniformity_gpu_W2)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
#endif
