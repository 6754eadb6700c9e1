// Loading a 1 GiB float32 .npy against reading the same file once (what
// `cat f > /dev/null` does: read() into a 128 KiB buffer), both from the page
// cache. Counters: both times in seconds, their ratio (target <= 1.5), and
// bytes/s of the load. alloc_s is the time to allocate and zero a fresh
// 1 GiB std::vector<float> (what host_matrix's storage costs before a single
// byte is read: page faults plus value-initialisation), so that
// ratio_without_alloc shows the conversion pass alone against the read.
// The file is written in a temp dir and removed after.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "embed_metrics/io.hpp"

namespace em = embed_metrics;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kRows = 262144;
constexpr std::int64_t kCols = 1024;  // 262144 x 1024 x 4 bytes = 1 GiB

// Write the .npy in 16 MiB pieces (version 1.0 header, padded to 64 bytes).
void write_npy(const fs::path& p) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(kRows) +
                     ", " + std::to_string(kCols) + "), }";
  dict.append((64 - (10 + dict.size() + 1) % 64) % 64, ' ');
  dict += '\n';
  std::string header = "\x93NUMPY\x01";
  header += '\0';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>(dict.size() >> 8);
  std::ofstream out(p, std::ios::binary);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(dict.data(), static_cast<std::streamsize>(dict.size()));
  std::vector<float> chunk(static_cast<std::size_t>(16 * kCols * 256));
  const std::int64_t rows_per_chunk = static_cast<std::int64_t>(chunk.size()) / kCols;
  for (std::int64_t r = 0; r < kRows; r += rows_per_chunk) {
    for (std::size_t k = 0; k < chunk.size(); ++k)
      chunk[k] = static_cast<float>((static_cast<std::int64_t>(k) + r * kCols) % 1000) * 0.001f;
    out.write(reinterpret_cast<const char*>(chunk.data()),
              static_cast<std::streamsize>(chunk.size() * sizeof(float)));
  }
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// read() the whole file into a 128 KiB buffer, as cat does.
double read_once(const fs::path& p) {
  const auto t0 = std::chrono::steady_clock::now();
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + p.string());
  static std::vector<char> buf(128 << 10);
  std::size_t total = 0;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  benchmark::DoNotOptimize(total);
  return seconds_since(t0);
}

}  // namespace

static void BM_load_npy_1GiB_f32(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("em_bench_load_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "x.npy";
  write_npy(file);
  (void)read_once(file);  // both timings from the page cache
  double read_total = 0, load_total = 0, alloc_total = 0;
  for (auto _ : state) {
    read_total += read_once(file);
    {
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<float> fresh(static_cast<std::size_t>(kRows * kCols));
      benchmark::DoNotOptimize(fresh.data());
      alloc_total += seconds_since(t0);
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto e = em::load_embeddings(file.string());
    const double t = seconds_since(t0);
    benchmark::DoNotOptimize(e.matrix.data());
    if (e.matrix.rows() != kRows || e.matrix.cols() != kCols) state.SkipWithError("wrong shape");
    load_total += t;
    state.SetIterationTime(t);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  const auto iters = static_cast<double>(state.iterations());
  const double bytes = static_cast<double>(kRows * kCols * 4);
  state.counters["load_s"] = load_total / iters;
  state.counters["read_once_s"] = read_total / iters;
  state.counters["alloc_s"] = alloc_total / iters;
  state.counters["ratio"] = load_total / read_total;  // target: <= 1.5
  state.counters["ratio_without_alloc"] = (load_total - alloc_total) / read_total;
  state.counters["bytes/s"] = benchmark::Counter(bytes * iters / load_total);
}
BENCHMARK(BM_load_npy_1GiB_f32)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
