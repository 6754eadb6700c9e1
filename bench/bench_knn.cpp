// Exact kNN and the kNN entropy. CPU at W0/W1 with a flop/s counter over
// the 2 n^2 d flops of a search that computes every pair twice (ours computes
// each pair once), next to the GEMMs of the search and nothing else
// (BM_knn_sgemm_floor_cpu, the same kernel and tiles), so
// "time / floor" reads directly. GPU at W2/W3, timed with
// CUDA events after a warm-up.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "cpu/blas.hpp"
#include "cpu/knn_tile_gemm.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/knn.hpp"
#include "workloads.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include <cuda_runtime_api.h>
#endif

namespace em = embed_metrics;

namespace {

const em_bench::workload& workload_of(std::int64_t i) {
  static const em_bench::workload* all[] = {&em_bench::kW0, &em_bench::kW1, &em_bench::kW2,
                                            &em_bench::kW3};
  return *all[i];
}

void set_counters(benchmark::State& state, const em_bench::workload& w, int threads) {
  const double n = static_cast<double>(w.n);
  state.counters["flop/s"] = benchmark::Counter(2.0 * n * n * static_cast<double>(w.d),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
  state.SetLabel(w.name);
}

}  // namespace

// The machine's SGEMM rate on a square product (2048 x 2048 x 512).
static void BM_sgemm_rate_cpu(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  const em::resources res("cpu");
  const std::int64_t m = 2048;
  std::vector<float> c(static_cast<std::size_t>(m * m));
  for (auto _ : state) {
    em::cpu::sgemm_nt(m, m, 512, 1.0f, ds.x.data(), 512, ds.x.data() + m * 512, 512, 0.0f,
                      c.data(), m, res.threads());
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["flop/s"] = benchmark::Counter(2.0 * 2048.0 * 2048.0 * 512.0,
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = res.threads();
}
BENCHMARK(BM_sgemm_rate_cpu)->Unit(benchmark::kMillisecond)->UseRealTime();

// The floor: the GEMMs of cpu::knn_select and nothing else: each pair once,
// the 480 x 480 tiles (bi, bj) with bi <= bj, a thread taking a whole block
// column, packed once, each tile into its own buffer: cpu/knn_tile_gemm where
// the CPU runs it (diagonal tiles: the upper half), the BLAS per tile
// otherwise. The flop/s counter still counts the 2 n^2 d of a search that
// computes every pair twice, so a figure above the SGEMM rate is the
// symmetry's gain.
static void BM_knn_sgemm_floor_cpu(benchmark::State& state) {
  const auto& w = workload_of(state.range(0));
  const auto& ds = em_bench::data_for(w);
  const em::resources res("cpu");
  const std::int64_t block = 480;
  const std::int64_t blocks = (w.n + block - 1) / block;
  const em::matrix_view x = ds.x.view();
  const bool packed = em::cpu::tile_gemm_available();
  for (auto _ : state) {
    const em::cpu::single_threaded_blas scope;
    std::atomic<std::int64_t> next{0};
    auto worker = [&] {
      std::vector<float> tile(static_cast<std::size_t>(block * block));
      std::vector<float> panels;
      for (std::int64_t task = next++; task < blocks; task = next++) {
        const std::int64_t bj = blocks - 1 - task;  // the longest columns first
        const std::int64_t cols = std::min(block, w.n - bj * block);
        if (packed) em::cpu::pack_tile_columns(x, bj * block, cols, panels);
        for (std::int64_t bi = bj; bi >= 0; --bi) {
          const std::int64_t rows = std::min(block, w.n - bi * block);
          if (packed)
            em::cpu::tile_gemm(x.row(bi * block), x.ld(), rows, w.d, panels, cols, -2.0f,
                               bi == bj, tile.data(), block);
          else
            em::cpu::sgemm_nt_tile(rows, cols, w.d, -2.0f, x.row(bi * block), x.ld(),
                                   x.row(bj * block), x.ld(), 0.0f, tile.data(), block);
        }
      }
      benchmark::DoNotOptimize(tile.data());
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < res.threads(); ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }
  set_counters(state, w, res.threads());
}
BENCHMARK(BM_knn_sgemm_floor_cpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_knn_cpu(benchmark::State& state) {
  const auto& w = workload_of(state.range(0));
  const auto& ds = em_bench::data_for(w);
  const em::resources res("cpu");
  for (auto _ : state) {
    auto r = em::knn(res, ds.x.view(), 3);
    benchmark::DoNotOptimize(r.indices.data());
  }
  set_counters(state, w, res.threads());
}
BENCHMARK(BM_knn_cpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_knn_entropy_cpu(benchmark::State& state) {
  const auto& w = workload_of(state.range(0));
  const auto& ds = em_bench::data_for(w);
  const em::resources res("cpu");
  double h = 0.0;
  for (auto _ : state) {
    auto r = em::knn_entropy(res, ds.x.view());
    // on the struct, not on a double: DoNotOptimize's register constraint
    // garbled the double here (GCC 12, Debian's Google Benchmark)
    benchmark::DoNotOptimize(r);
    h = r.entropy;
  }
  set_counters(state, w, res.threads());
  state.counters["entropy"] = h;  // compare.py sets it beside the peers' value
}
BENCHMARK(BM_knn_entropy_cpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_gaussian_and_rank_cpu(benchmark::State& state) {
  const auto& w = workload_of(state.range(0));
  const auto& ds = em_bench::data_for(w);
  const em::resources res("cpu");
  for (auto _ : state) {
    benchmark::DoNotOptimize(em::gaussian_entropy(res, ds.x.view()).entropy);
    benchmark::DoNotOptimize(em::effective_rank(res, ds.x.view()).effective_rank);
  }
  // Two n d^2 Gram matrices in double.
  state.counters["flop/s"] = benchmark::Counter(
      4.0 * static_cast<double>(w.n) * static_cast<double>(w.d) * static_cast<double>(w.d),
      benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(w.name);
}
BENCHMARK(BM_gaussian_and_rank_cpu)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef EMBED_METRICS_HAS_CUDA
static void BM_knn_entropy_gpu(benchmark::State& state) {
  if (em::cuda_device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const auto& w = workload_of(state.range(0));
  const auto& ds = em_bench::data_for(w);
  // Device-resident input, as a trainer would pass it.
  float* dx = nullptr;
  const auto bytes = sizeof(float) * static_cast<std::size_t>(w.n * w.d);
  if (cudaMalloc(reinterpret_cast<void**>(&dx), bytes) != cudaSuccess) {
    state.SkipWithError("cudaMalloc failed");
    return;
  }
  cudaMemcpy(dx, ds.x.data(), bytes, cudaMemcpyHostToDevice);
  const em::matrix_view x(dx, w.n, w.d, 0, em::memory_space::device);
  em::resources res("cuda");
  auto stream = static_cast<cudaStream_t>(res.stream());
  (void)em::knn_entropy(res, x);  // warm-up: context, pool, cuBLAS
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (auto _ : state) {
    stream = static_cast<cudaStream_t>(res.stream());
    cudaEventRecord(start, stream);
    benchmark::DoNotOptimize(em::knn_entropy(res, x).entropy);
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(static_cast<double>(ms) / 1e3);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(dx);
  set_counters(state, w, 0);
}
BENCHMARK(BM_knn_entropy_gpu)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
#endif
