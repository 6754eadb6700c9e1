// The machine's ceilings, measured in the same run as the kernels so that
// every figure can be read as a fraction of what the hardware gives here:
// - CPU SGEMM rate through the project's own BLAS wrapper (all threads),
// - CPU memory bandwidth (one-thread memcpy and an all-thread STREAM triad),
// - with CUDA: cuBLAS SGEMM rate (fp32, and tf32 tensor cores) and device
//   copy bandwidth, timed with CUDA events after a warm-up.
// bench/compare.py divides flop by the best SGEMM rate and bytes by the best
// bandwidth to get each job's floor.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/blas.hpp"
#include "embed_metrics/resources.hpp"

#ifdef EMBED_METRICS_HAS_CUDA
#include <cublas_v2.h>
#include <cuda_runtime.h>
#endif

namespace em = embed_metrics;

namespace {

constexpr std::int64_t kStreamFloats = std::int64_t{32} << 20;  // 128 MiB per array

std::vector<float> random_floats(std::int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<std::size_t>(count));
  for (auto& x : v) x = u(rng);
  return v;
}

// Which BLAS and kernel set the library runs (chosen at load time from the
// CPU, or forced by OPENBLAS_CORETYPE): written into the JSON context.
[[maybe_unused]] const bool kContextAdded = [] {
  const auto blas = em::cpu::blas_in_use();
  benchmark::AddCustomContext("openblas_corename", blas.kernel);
  benchmark::AddCustomContext("openblas_config", blas.config);
  benchmark::AddCustomContext("blas_library", blas.library);
  benchmark::AddCustomContext("blas_choice", blas.choice);
  benchmark::AddCustomContext("cpu_threads", std::to_string(em::resources("cpu").threads()));
  return true;
}();

}  // namespace

// C (m x m) = A (m x k) B (m x k)^T through cpu::sgemm_nt, every thread.
static void BM_ceiling_cpu_sgemm(benchmark::State& state) {
  const std::int64_t m = state.range(0);
  const auto a = random_floats(m * m, 1);
  const auto b = random_floats(m * m, 2);
  std::vector<float> c(static_cast<std::size_t>(m * m));
  const int threads = em::resources("cpu").threads();
  for (auto _ : state) {
    em::cpu::sgemm_nt(m, m, m, 1.0f, a.data(), m, b.data(), m, 0.0f, c.data(), m, threads);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["flop/s"] = benchmark::Counter(2.0 * static_cast<double>(m) * static_cast<double>(m) *
                                                    static_cast<double>(m),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}
BENCHMARK(BM_ceiling_cpu_sgemm)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();

// One-thread memcpy of 128 MiB: counts the bytes read plus the bytes written.
static void BM_ceiling_cpu_memcpy(benchmark::State& state) {
  std::vector<float> src(static_cast<std::size_t>(kStreamFloats), 1.0f);
  std::vector<float> dst(static_cast<std::size_t>(kStreamFloats), 0.0f);
  const std::size_t bytes = src.size() * sizeof(float);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.counters["bytes/s"] =
      benchmark::Counter(2.0 * static_cast<double>(bytes), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = 1;
}
BENCHMARK(BM_ceiling_cpu_memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();

// STREAM triad a = b + s c over 3 x 128 MiB on every thread (each thread
// first touches the part it later streams): 12 bytes per element.
static void BM_ceiling_cpu_triad(benchmark::State& state) {
  const std::int64_t n = kStreamFloats;
  const int threads = em::resources("cpu").threads();
  std::vector<float> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n)),
      c(static_cast<std::size_t>(n));
  float* pa = a.data();
  float* pb = b.data();
  float* pc = c.data();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    pa[i] = 0.0f;
    pb[i] = 1.0f;
    pc[i] = 2.0f;
  }
  const float s = 0.5f;
  for (auto _ : state) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
    benchmark::DoNotOptimize(pa);
    benchmark::ClobberMemory();
  }
  state.counters["bytes/s"] = benchmark::Counter(3.0 * sizeof(float) * static_cast<double>(n),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}
BENCHMARK(BM_ceiling_cpu_triad)->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef EMBED_METRICS_HAS_CUDA

namespace {

// Device memory and a cuBLAS handle for one benchmark; any failure is kept
// as a message for SkipWithError rather than thrown.
struct gpu_scratch {
  std::vector<void*> blocks;
  cublasHandle_t handle = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  std::string error;

  gpu_scratch() {
    if (em::cuda_device_count() == 0) {
      error = "no CUDA device";
      return;
    }
    if (cudaEventCreate(&start) != cudaSuccess || cudaEventCreate(&stop) != cudaSuccess)
      error = "cudaEventCreate failed";
  }
  ~gpu_scratch() {
    for (void* p : blocks) cudaFree(p);
    if (handle != nullptr) cublasDestroy(handle);
    if (start != nullptr) cudaEventDestroy(start);
    if (stop != nullptr) cudaEventDestroy(stop);
  }
  gpu_scratch(const gpu_scratch&) = delete;
  gpu_scratch& operator=(const gpu_scratch&) = delete;

  template <class T>
  T* alloc(std::size_t count) {
    void* p = nullptr;
    if (!error.empty()) return nullptr;
    const cudaError_t rc = cudaMalloc(&p, count * sizeof(T));
    if (rc != cudaSuccess) {
      error = std::string("cudaMalloc: ") + cudaGetErrorString(rc);
      return nullptr;
    }
    blocks.push_back(p);
    return static_cast<T*>(p);
  }
  bool make_handle() {
    if (!error.empty()) return false;
    if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) error = "cublasCreate failed";
    return error.empty();
  }
  // Milliseconds taken by f() on the default stream, between two events.
  template <class F>
  float time_ms(F&& f) {
    cudaEventRecord(start);
    f();
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    return ms;
  }
};

void gpu_sgemm(benchmark::State& state, bool tf32) {
  gpu_scratch g;
  const int m = static_cast<int>(state.range(0));
  const auto count = static_cast<std::size_t>(m) * static_cast<std::size_t>(m);
  float* a = g.alloc<float>(count);
  float* b = g.alloc<float>(count);
  float* c = g.alloc<float>(count);
  if (!g.make_handle()) {
    state.SkipWithError(g.error.c_str());
    return;
  }
  cublasSetMathMode(g.handle, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH);
  const auto host = random_floats(static_cast<std::int64_t>(count), 3);
  cudaMemcpy(a, host.data(), count * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(b, host.data(), count * sizeof(float), cudaMemcpyHostToDevice);
  const float one = 1.0f, zero = 0.0f;
  auto gemm = [&] {
    cublasSgemm(g.handle, CUBLAS_OP_T, CUBLAS_OP_N, m, m, m, &one, a, m, b, m, &zero, c, m);
  };
  for (int i = 0; i < 3; ++i) gemm();  // warm-up (heuristics, clocks)
  if (cudaDeviceSynchronize() != cudaSuccess) {
    state.SkipWithError("cuBLAS SGEMM failed");
    return;
  }
  for (auto _ : state) state.SetIterationTime(g.time_ms(gemm) * 1e-3);
  state.counters["flop/s"] = benchmark::Counter(2.0 * m * static_cast<double>(m) * m,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

static void BM_ceiling_gpu_sgemm_fp32(benchmark::State& state) { gpu_sgemm(state, false); }
BENCHMARK(BM_ceiling_gpu_sgemm_fp32)->Arg(8192)->Unit(benchmark::kMillisecond)->UseManualTime();

static void BM_ceiling_gpu_sgemm_tf32(benchmark::State& state) { gpu_sgemm(state, true); }
BENCHMARK(BM_ceiling_gpu_sgemm_tf32)->Arg(8192)->Unit(benchmark::kMillisecond)->UseManualTime();

// Device-to-device copy of 1 GiB: counts the bytes read plus the bytes written.
static void BM_ceiling_gpu_copy(benchmark::State& state) {
  gpu_scratch g;
  const std::size_t bytes = std::size_t{1} << 30;
  auto* src = g.alloc<unsigned char>(bytes);
  auto* dst = g.alloc<unsigned char>(bytes);
  if (!g.error.empty()) {
    state.SkipWithError(g.error.c_str());
    return;
  }
  cudaMemset(src, 1, bytes);
  auto copy = [&] { cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, nullptr); };
  for (int i = 0; i < 3; ++i) copy();
  if (cudaDeviceSynchronize() != cudaSuccess) {
    state.SkipWithError("device copy failed");
    return;
  }
  for (auto _ : state) state.SetIterationTime(g.time_ms(copy) * 1e-3);
  state.counters["bytes/s"] =
      benchmark::Counter(2.0 * static_cast<double>(bytes), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ceiling_gpu_copy)->Unit(benchmark::kMillisecond)->UseManualTime();

#endif  // EMBED_METRICS_HAS_CUDA
