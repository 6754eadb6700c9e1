// Agreement scores (contingency table + EMI + the rest), CPU and CUDA, on two
// label pairs that bench/anchors_agreement.py rebuilds bit for bit to time
// scikit-learn on the same input:
//   W3 pair: n = 10^6, two independent labelings with 1000 clusters each;
//   W1 pair: n = 10^4, 10 x 10 clusters.
// Labels: splitmix64(seed * 2^32 + i) mod k, seeds 1 (a) and 2 (b).
// Counters: labels/s (2n labels read per call) and the AMI itself.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "embed_metrics/agreement.hpp"
#include "embed_metrics/resources.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include <cuda_runtime.h>
#endif

namespace em = embed_metrics;

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::vector<std::int64_t> bench_labels(std::int64_t n, std::int64_t k, std::uint64_t seed) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    v[i] = static_cast<std::int64_t>(splitmix64((seed << 32) + static_cast<std::uint64_t>(i)) %
                                      static_cast<std::uint64_t>(k));
  return v;
}

void set_counters(benchmark::State& state, std::int64_t n, const em::agreement_result& r) {
  state.counters["labels/s"] =
      benchmark::Counter(2.0 * static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["ami"] = r.ami;
  state.counters["accuracy"] = r.accuracy;
}

// Args: n, k (both sides), accuracy (0/1).
void BM_agreement_cpu(benchmark::State& state) {
  const std::int64_t n = state.range(0), k = state.range(1);
  const auto a = bench_labels(n, k, 1);
  const auto b = bench_labels(n, k, 2);
  em::resources res("cpu");
  em::agreement_params p;
  p.accuracy = state.range(2) != 0;
  em::agreement_result r;
  for (auto _ : state) {
    r = em::agreement(res, a, b, p);
    benchmark::DoNotOptimize(r);
  }
  set_counters(state, n, r);
  state.counters["threads"] = res.threads();
}
BENCHMARK(BM_agreement_cpu)
    ->ArgNames({"n", "k", "accuracy"})
    ->Args({1000000, 1000, 1})
    ->Args({1000000, 1000, 0})
    ->Args({10000, 10, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

#ifdef EMBED_METRICS_HAS_CUDA
// Labels already on the device (as a trainer holds them); CUDA events around
// the call after one warm-up call.
void BM_agreement_cuda(benchmark::State& state) {
  if (em::cuda_device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const std::int64_t n = state.range(0), k = state.range(1);
  const auto a = bench_labels(n, k, 1);
  const auto b = bench_labels(n, k, 2);
  std::int64_t *da = nullptr, *db = nullptr;
  const std::size_t bytes = sizeof(std::int64_t) * static_cast<std::size_t>(n);
  if (cudaMalloc(reinterpret_cast<void**>(&da), bytes) != cudaSuccess ||
      cudaMalloc(reinterpret_cast<void**>(&db), bytes) != cudaSuccess) {
    state.SkipWithError("cudaMalloc failed");
    return;
  }
  cudaMemcpy(da, a.data(), bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(db, b.data(), bytes, cudaMemcpyHostToDevice);
  em::resources res("cuda");
  em::agreement_params p;
  p.accuracy = state.range(2) != 0;
  const em::label_view va(da, n, em::memory_space::device), vb(db, n, em::memory_space::device);
  em::agreement_result r = em::agreement(res, va, vb, p);  // warm-up
  auto stream = static_cast<cudaStream_t>(res.stream());
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (auto _ : state) {
    cudaEventRecord(start, stream);
    r = em::agreement(res, va, vb, p);  // returns with the stream synchronised
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(static_cast<double>(ms) / 1e3);
  }
  set_counters(state, n, r);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(da);
  cudaFree(db);
}
BENCHMARK(BM_agreement_cuda)
    ->ArgNames({"n", "k", "accuracy"})
    ->Args({1000000, 1000, 1})
    ->Args({1000000, 1000, 0})
    ->Args({10000, 10, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
#endif

}  // namespace
