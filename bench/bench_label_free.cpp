// The label-free metrics beyond the study on W1 (CPU) and W2 (GPU). The
// uniformity's flop/s counter is n^2 d: the GEMM work of the pairs i <= j
// that it computes, so that counter over BM_silhouette_sgemm_rate_cpu (the
// SGEMM rate on the same threads, same run) is the fraction of the pairwise
// floor reached; BM_uniformity_floor_cpu_W1 times both back to back in one
// process and prints the ratio. The others report rows per second (one
// O(n d) or second-moment pass each); BM_covariance_metrics_cpu_W1 prints
// the report's covariance metrics over one covariance pass.
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "cpu/blas.hpp"
#include "cpu/gram.hpp"
#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"
#include "report/metric_registry.hpp"
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

// CPU seconds of the whole process (every thread's work): on a machine
// shared with other jobs this, at one thread, is the cost of the work itself.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

template <class F>
double cpu_seconds_of(F&& f) {
  const double t0 = process_cpu_seconds();
  f();
  return process_cpu_seconds() - t0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// The steps of the report that compute the covariance metrics, run as
// evaluate() runs them (one shared second-moment pass).
void report_covariance_steps(const em::resources& res, em::matrix_view x) {
  em::report_params p;
  p.covariance_spectrum = true;
  em::report_result r;
  r.n = x.rows;
  r.d = x.cols;
  em::detail::report_context ctx{res, x, {}, p, r, {}, {}, {}};
  for (const auto& step : em::detail::report_steps())
    if (step.name == std::string_view("Gaussian entropy") || step.name == std::string_view("effective rank") ||
        step.name == std::string_view("covariance spectrum"))
      step.run(ctx);
  benchmark::DoNotOptimize(r.gaussian_entropy);
}

// The same three metrics through the public functions, each its own pass.
void separate_covariance_calls(const em::resources& res, em::matrix_view x) {
  double v = em::gaussian_entropy(res, x).entropy;
  v += em::effective_rank(res, x).effective_rank;
  v += em::spectrum_metrics(res, x).nesum;
  benchmark::DoNotOptimize(v);
}

// One covariance pass: the shifted d x d Gram matrix and column sums in
// double (cpu::gram, the pass every covariance metric needs).
void one_covariance_pass(const em::resources& res, em::matrix_view x) {
  std::vector<double> g, s;
  em::cpu::gram(x, /*shift_by_first_row=*/true, g, s, res.threads());
  benchmark::DoNotOptimize(g.data());
}

// X^T X in float with SGEMM (d x d, n deep): what one pass costs at the
// machine's float rate, for reference.
void one_sgemm_xtx(const em::resources& res, em::matrix_view x, std::vector<float>& c) {
  em::cpu::sgemm_tn(x.cols, x.cols, x.rows, 1.0f, x.data, x.cols, x.data, x.cols, 0.0f, c.data(),
                    x.cols, res.threads());
  benchmark::DoNotOptimize(c.data());
}

}  // namespace

// The report's covariance metrics (Gaussian entropy, RankMe, spectrum,
// alpha-ReQ, NESum) against one covariance pass alone and the separate
// public calls, interleaved within each iteration; the counters are medians
// of process CPU seconds over the iterations (argument: threads, 0 = all).
static void BM_covariance_metrics_cpu_W1(benchmark::State& state) {
  const auto& ds = em_bench::data_for(em_bench::kW1);
  const em::matrix_view x = ds.x.view();
  em::resources res("cpu", static_cast<int>(state.range(0)));
  std::vector<float> c(static_cast<std::size_t>(x.cols * x.cols));
  std::vector<double> pass, sgemm, together, separate;
  for (auto _ : state) {
    pass.push_back(cpu_seconds_of([&] { one_covariance_pass(res, x); }));
    together.push_back(cpu_seconds_of([&] { report_covariance_steps(res, x); }));
    separate.push_back(cpu_seconds_of([&] { separate_covariance_calls(res, x); }));
    sgemm.push_back(cpu_seconds_of([&] { one_sgemm_xtx(res, x, c); }));
  }
  const double p = median(pass);
  state.counters["one_pass_cpu_ms"] = 1e3 * p;
  state.counters["together_cpu_ms"] = 1e3 * median(together);
  state.counters["separate_cpu_ms"] = 1e3 * median(separate);
  state.counters["sgemm_xtx_cpu_ms"] = 1e3 * median(sgemm);
  state.counters["together/one_pass"] = median(together) / p;
  state.counters["separate/one_pass"] = median(separate) / p;
  state.counters["threads"] = res.threads();
}
BENCHMARK(BM_covariance_metrics_cpu_W1)->Arg(1)->Arg(0)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

// Uniformity at W1 and the SGEMM rate (C = A B^T, 4096 x 4096, d = 512, as
// BM_silhouette_sgemm_rate_cpu) back to back in each iteration; the floor is
// n^2 d / rate, and uniformity/floor the median ratio of process CPU times
// (argument: threads, 0 = all).
static void BM_uniformity_floor_cpu_W1(benchmark::State& state) {
  const auto& w = em_bench::kW1;
  const auto& ds = em_bench::data_for(w);
  em::resources res("cpu", static_cast<int>(state.range(0)));
  const std::int64_t m = 4096;
  std::vector<float> c(static_cast<std::size_t>(m * m));
  std::vector<double> ratio, uni, rate;
  double u = 0.0;
  for (auto _ : state) {
    const double t_gemm = cpu_seconds_of([&] {
      em::cpu::sgemm_nt(m, m, w.d, 1.0f, ds.x.data(), w.d, ds.x.data() + m * w.d, w.d, 0.0f, c.data(),
                        m, res.threads());
      benchmark::DoNotOptimize(c.data());
    });
    const double t_uni = cpu_seconds_of([&] { u = em::uniformity(res, ds.x.view()).uniformity; });
    const double r = 2.0 * static_cast<double>(m * m * w.d) / t_gemm;
    rate.push_back(r);
    uni.push_back(t_uni);
    ratio.push_back(t_uni / (half_pair_flop(w) / r));
  }
  state.counters["uniformity_cpu_ms"] = 1e3 * median(uni);
  state.counters["sgemm_flop/s_cpu"] = median(rate);
  state.counters["floor_cpu_ms"] = 1e3 * half_pair_flop(w) / median(rate);
  state.counters["uniformity/floor"] = median(ratio);
  state.counters["threads"] = res.threads();
  state.counters["uniformity"] = u;
}
BENCHMARK(BM_uniformity_floor_cpu_W1)->Arg(1)->Arg(0)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_uniformity_cpu_W0(benchmark::State& s) { uniformity_cpu(s, em_bench::kW0); }
static void BM_uniformity_cpu_W1(benchmark::State& s) { uniformity_cpu(s, em_bench::kW1); }
BENCHMARK(BM_uniformity_cpu_W0)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
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
