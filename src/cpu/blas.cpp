#include "cpu/blas.hpp"

#include <cblas.h>
#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <mutex>

#include "core/parallel_errors.hpp"

// EMBED_METRICS_BLAS=scipy-openblas (cmake/FindOpenBLAS.cmake) links the
// OpenBLAS of PyPI's scipy-openblas32 wheel, whose every symbol carries the
// prefix scipy_ so that it never clashes with a system BLAS in one process.
#ifdef EMBED_METRICS_BLAS_SCIPY_PREFIX
#define EM_BLAS(name) scipy_##name
#else
#define EM_BLAS(name) name
#endif

namespace embed_metrics::cpu {
namespace {

// The output is cut into fixed blocks of rows, each computed by one
// single-threaded BLAS call, the blocks shared among OpenMP threads. OpenBLAS
// left to thread a call itself splits the work differently for different
// thread counts and the rounding of some entries changes with it; fixed
// blocks make every result independent of the thread count, so that k-means
// labels are the same on 1 or 16 cores.
constexpr std::int64_t kRowBlock = 128;

blasint as_blas(std::int64_t v) { return static_cast<blasint>(v); }

// The BLAS every call goes to, chosen once per process (so one process never
// mixes two kernel sets' roundings). The linked OpenBLAS by default. A
// system OpenBLAS older than its CPU (Debian's 0.3.21 on a model it does not
// know) falls back to its generic SSE3 kernels at a quarter of the speed;
// then, when the CPU has AVX2 and FMA or AVX-512, the newer OpenBLAS that the
// build found (the scipy-openblas32 wheel: every symbol prefixed scipy_, so
// it loads beside the system one without a clash) is opened and used if it
// chose a kernel of its own. This is decided inside the library, so it holds
// in the tool and in a host process alike, which cannot both be reached by
// setting OPENBLAS_CORETYPE (read once, when OpenBLAS loads).
// EMBED_METRICS_BLAS=system keeps the linked one; =newer takes the newer one
// whatever the kernel (to measure it); EMBED_METRICS_NEWER_OPENBLAS names
// its file in place of the one found at build time.
struct blas_ops {
  decltype(&EM_BLAS(cblas_sgemm)) sgemm = &EM_BLAS(cblas_sgemm);
  decltype(&EM_BLAS(cblas_dgemm)) dgemm = &EM_BLAS(cblas_dgemm);
  int (*get_threads)() = &EM_BLAS(openblas_get_num_threads);
  void (*set_threads)(int) = &EM_BLAS(openblas_set_num_threads);
  char* (*get_config)() = &EM_BLAS(openblas_get_config);
  char* (*get_corename)() = &EM_BLAS(openblas_get_corename);
#ifdef EMBED_METRICS_BLAS_SCIPY_PREFIX
  std::string library = "scipy-openblas32 (PyPI), linked";
#else
  std::string library = "system OpenBLAS";
#endif
  std::string choice;  // why this one
};

template <class T>
bool symbol(void* lib, const char* name, T& out) {
  void* p = dlsym(lib, name);
  if (p == nullptr) return false;
  std::memcpy(&out, &p, sizeof p);
  return true;
}

std::string newer_openblas_file() {
  if (const char* env = std::getenv("EMBED_METRICS_NEWER_OPENBLAS"); env != nullptr && *env != '\0')
    return env;
  // Installed: beside this library, in embed_metrics/ (cmake/FindOpenBLAS.cmake).
  Dl_info self{};
  if (dladdr(reinterpret_cast<void*>(&newer_openblas_file), &self) != 0 && self.dli_fname != nullptr) {
    const std::string installed =
        std::filesystem::path(self.dli_fname).replace_filename("embed_metrics/libscipy_openblas.so");
    if (FILE* f = std::fopen(installed.c_str(), "rb"); f != nullptr) {
      std::fclose(f);
      return installed;
    }
  }
#ifdef EMBED_METRICS_NEWER_OPENBLAS
  return EMBED_METRICS_NEWER_OPENBLAS;  // the build tree's copy
#else
  return {};
#endif
}

// The newer OpenBLAS in `ops`, when it opens; false (ops untouched) otherwise.
bool open_newer(blas_ops& ops, std::string& why) {
  const std::string file = newer_openblas_file();
  if (file.empty()) {
    why = "no newer OpenBLAS was found at build time (scripts/setup-deps installs one)";
    return false;
  }
  void* lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    why = "the newer OpenBLAS " + file + " did not open";
    return false;
  }
  blas_ops n;
  if (!symbol(lib, "scipy_cblas_sgemm", n.sgemm) || !symbol(lib, "scipy_cblas_dgemm", n.dgemm) ||
      !symbol(lib, "scipy_openblas_get_num_threads", n.get_threads) ||
      !symbol(lib, "scipy_openblas_set_num_threads", n.set_threads) ||
      !symbol(lib, "scipy_openblas_get_config", n.get_config) ||
      !symbol(lib, "scipy_openblas_get_corename", n.get_corename)) {
    why = file + " lacks the scipy_-prefixed OpenBLAS symbols";
    dlclose(lib);
    return false;
  }
  n.library = "scipy-openblas32 (PyPI), " + file;
  ops = n;  // never closed: its functions are used until the process ends
  return true;
}

std::string text_or(const char* text, const char* fallback) {
  return text != nullptr ? text : fallback;
}

blas_ops choose_blas() {
  blas_ops ops;
#ifdef EMBED_METRICS_BLAS_SCIPY_PREFIX
  ops.choice = "linked at build time (EMBED_METRICS_BLAS=scipy-openblas)";
#else
  const std::string mode = text_or(std::getenv("EMBED_METRICS_BLAS"), "");
  const std::string linked_core = text_or(ops.get_corename(), "");
  if (mode == "system") {
    ops.choice = "EMBED_METRICS_BLAS=system";
    return ops;
  }
  const std::string better = kernel_for_cpu_features(linked_core);
  if (mode != "newer" && better.empty()) {
    ops.choice = "the system OpenBLAS chose a kernel for this CPU";
    return ops;
  }
  const std::string generic = "the system OpenBLAS runs generic kernels (" + linked_core + ")";
  const std::string wasted = generic + " on a CPU that has the features of " + better + " kernels";
  std::string why;
  blas_ops newer = ops;
  if (!open_newer(newer, why)) {
    ops.choice = (mode == "newer" ? "EMBED_METRICS_BLAS=newer, but " : wasted + ", and ") + why;
    return ops;
  }
  const std::string newer_core = text_or(newer.get_corename(), "");
  if (mode == "newer") {
    newer.choice = "EMBED_METRICS_BLAS=newer";
    return newer;
  }
  if (!kernel_for_cpu_features(newer_core).empty()) {
    ops.choice = generic + ", and so does the newer one (" + newer_core +
                 "; OPENBLAS_CORETYPE forces both)";
    return ops;
  }
  newer.choice = wasted + "; the newer one chose " + newer_core;
  return newer;
#endif
  return ops;
}

const blas_ops& blas() {
  static const blas_ops ops = choose_blas();
  return ops;
}

// Reference-counted under a mutex because several of the library's calls may
// run at once in a host process; the caller's setting is restored, so a
// trainer that links both this library and an OpenBLAS-backed framework keeps
// its own BLAS threading.
std::mutex blas_mutex;
int blas_users = 0;
int blas_previous = 1;

template <class F>
void for_row_blocks(std::int64_t m, int threads, F&& block) {
  const single_threaded_blas guard;
  // Inside one of the library's own parallel regions (active or not: a region
  // of one thread counts too) the caller has already cut the work into tiles
  // of a shape fixed by the data alone, so one call per tile is as
  // independent of the thread count, and it packs each operand once instead
  // of once per 128 rows (the exact silhouette's tiles, then 256 x 256: 6% less
  // time at W1). A host's own parallel region counts as well: still one call
  // of a shape that does not depend on the thread count.
  if (omp_get_level() > 0) {
    block(0, m);
    return;
  }
  const std::int64_t blocks = (m + kRowBlock - 1) / kRowBlock;
  detail::region_errors errors;
#pragma omp parallel for num_threads(std::max(1, threads)) schedule(dynamic, 1) if (blocks > 1)
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t r0 = b * kRowBlock;
    errors.run([&] { block(r0, std::min(kRowBlock, m - r0)); });
  }
  errors.rethrow_first();
}

// C (m x n) = alpha op(A) op(B) + beta C, row-major, in the fixed row blocks
// of for_row_blocks: row block r0.. of C is rows r0.. of A, or its columns
// r0.. when A is transposed.
template <class T, class Gemm>
void gemm_rows(Gemm gemm, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, std::int64_t m, std::int64_t n,
               std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
               T beta, T* c, std::int64_t ldc, int threads) {
  if (m == 0 || n == 0) return;
  for_row_blocks(m, threads, [&](std::int64_t r0, std::int64_t rows) {
    gemm(CblasRowMajor, ta, tb, as_blas(rows), as_blas(n), as_blas(k), alpha,
         a + (ta == CblasNoTrans ? r0 * lda : r0), as_blas(lda), b, as_blas(ldb), beta,
         c + r0 * ldc, as_blas(ldc));
  });
}

}  // namespace

single_threaded_blas::single_threaded_blas() {
  const std::lock_guard<std::mutex> lock(blas_mutex);
  if (blas_users++ == 0) {
    blas_previous = blas().get_threads();
    if (blas_previous != 1) blas().set_threads(1);
  }
}

single_threaded_blas::~single_threaded_blas() {
  const std::lock_guard<std::mutex> lock(blas_mutex);
  if (--blas_users == 0 && blas_previous != 1) blas().set_threads(blas_previous);
}

void sgemm_nt_tile(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
                   std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
                   std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  blas().sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, as_blas(m), as_blas(n), as_blas(k), alpha,
              a, as_blas(lda), b, as_blas(ldb), beta, c, as_blas(ldc));
}

void sgemm_nt(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
              std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
              std::int64_t ldc, int threads) {
  gemm_rows(blas().sgemm, CblasNoTrans, CblasTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
            threads);
}

void sgemm_tn(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
              std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
              std::int64_t ldc, int threads) {
  gemm_rows(blas().sgemm, CblasTrans, CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
            threads);
}

void dgemm_tn(std::int64_t m, std::int64_t n, std::int64_t k, double alpha, const double* a,
              std::int64_t lda, const double* b, std::int64_t ldb, double beta, double* c,
              std::int64_t ldc, int threads) {
  gemm_rows(blas().dgemm, CblasTrans, CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
            threads);
}

blas_info blas_in_use() {
  const blas_ops& ops = blas();
  blas_info info;
  info.library = ops.library;
  info.choice = ops.choice;
  info.config = text_or(ops.get_config(), "unknown");
  info.kernel = text_or(ops.get_corename(), "unknown");
  info.threads = ops.get_threads();
  return info;
}

std::string kernel_for_cpu_features(const std::string& current) {
#if defined(__x86_64__) || defined(__i386__)
  // OpenBLAS's x86 kernel sets without AVX2 (its generic fall-backs among them).
  static const char* const generic[] = {"Prescott", "Katmai", "Core2", "Penryn", "Dunnington",
                                        "Nehalem", "Atom", "Northwood", "Banias", "Sandybridge"};
  if (std::find(std::begin(generic), std::end(generic), current) == std::end(generic)) return {};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512cd"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return {};
#else
  (void)current;
  return {};
#endif
}

}  // namespace embed_metrics::cpu

#ifdef EMBED_METRICS_BLAS_SCIPY_PREFIX
// The LAPACK routine of cpu/lapack.cpp under its plain Fortran name,
// forwarded to the prefixed one, so that only one OpenBLAS is loaded; hidden,
// so that a host process's own LAPACK calls never land here.
extern "C" {
void scipy_dsyev_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda,
                  double* w, double* work, const int* lwork, int* info, std::size_t jobz_len,
                  std::size_t uplo_len);
[[gnu::visibility("hidden")]] void dsyev_(const char* jobz, const char* uplo, const int* n,
                                          double* a, const int* lda, double* w, double* work,
                                          const int* lwork, int* info, std::size_t jobz_len,
                                          std::size_t uplo_len) {
  scipy_dsyev_(jobz, uplo, n, a, lda, w, work, lwork, info, jobz_len, uplo_len);
}
}
#endif
