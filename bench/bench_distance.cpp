// Pairwise distance block (norms + one GEMM), CPU: reports flop/s so the
// figure reads against the machine's SGEMM rate.
#include <benchmark/benchmark.h>

#include "embed_metrics/distance.hpp"
#include "workloads.hpp"

namespace em = embed_metrics;

static void BM_pairwise_sqeuclidean_cpu(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  const std::int64_t m = state.range(0);
  const auto x = ds.x.view().row_block(0, m);
  em::resources res("cpu");
  em::host_matrix out(m, m);
  for (auto _ : state) {
    em::pairwise_sqeuclidean(res, x, x, out.mutable_view());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["flop/s"] = benchmark::Counter(2.0 * static_cast<double>(m * m * x.cols),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = res.threads();
}
BENCHMARK(BM_pairwise_sqeuclidean_cpu)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
