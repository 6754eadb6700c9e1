// One pool of threads for the tool: the OpenMP runtime's, waiting passively.
//
// The library computes with its own OpenMP regions and calls BLAS only
// single-threaded inside them (cpu/blas.cpp), so OpenBLAS's own worker
// threads never get work from it. Yet two runtimes spin by default:
//  - libgomp's workers busy-wait after every region and at every barrier
//    (OMP_WAIT_POLICY unset: a spin count of some milliseconds). On a shared
//    machine the spinning thread burns its share of the CPU and is scheduled
//    behind other processes when the next region needs it, so a W0 k-means
//    with 2 threads took 0.1 s instead of its 8 ms of computing;
//  - OpenBLAS's pthread pool, started when the library is loaded, yields in a
//    loop for about 0.1 s before it sleeps (some 40 ms of CPU per process).
// Both runtimes read their settings from the environment once, in their own
// initialisers, before any code of this program runs, and glibc starts the
// program with the environment it was given (a setenv from .preinit_array is
// dropped). So when OMP_WAIT_POLICY is unset the tool sets it to passive, and
// OPENBLAS_NUM_THREADS to 1 unless set, and executes itself again: a couple of
// milliseconds, against the tens to hundreds the spinning costs. A value the
// user set is kept and nothing is re-executed; nor is it with one thread
// (--threads 1, OMP_NUM_THREADS=1 or one core), where no OpenMP worker exists
// and the extra start would cost more than OpenBLAS's idle pool.
//
// The same start also fixes the BLAS kernel: an older OpenBLAS falls back to
// its generic SSE3 kernels on a CPU model it does not know (a quarter of the
// SGEMM rate of its AVX-512 kernels on the same CPU), so when the kernel it
// chose is generic and the CPU has AVX-512 or AVX2 + FMA, OPENBLAS_CORETYPE
// names the kernel set those features call for (cpu::kernel_for_cpu_features),
// unless the user set OPENBLAS_CORETYPE. `embed-metrics devices` shows it.
//
// A host process that links the library (a trainer) owns its OpenMP runtime
// and its BLAS threads; the library does not change them there.

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "cpu/blas.hpp"

namespace {

bool one_thread(int argc, char** argv) {
  if (sysconf(_SC_NPROCESSORS_ONLN) == 1) return true;
  const char* omp = std::getenv("OMP_NUM_THREADS");
  if (omp != nullptr && std::strcmp(omp, "1") == 0) return true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads=1") == 0) return true;
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc && std::strcmp(argv[i + 1], "1") == 0)
      return true;
  }
  return false;
}

void choose_thread_policy(int argc, char** argv, char** /*envp*/) {
  if (argv == nullptr) return;
  bool again = false;
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    const std::string kernel = embed_metrics::cpu::kernel_for_cpu_features(
        embed_metrics::cpu::blas_in_use().kernel);
    if (!kernel.empty()) {
      setenv("OPENBLAS_CORETYPE", kernel.c_str(), 1);
      setenv("EMBED_METRICS_CORETYPE_CHOSEN", "1", 1);  // for `devices`
      again = true;
    }
  }
  if (std::getenv("OMP_WAIT_POLICY") == nullptr && !one_thread(argc, argv)) {
    setenv("OMP_WAIT_POLICY", "passive", 0);
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    again = true;
  }
  if (again) execv("/proc/self/exe", argv);
  // No /proc: carry on with the runtimes' defaults.
}

}  // namespace

// An initialiser of the program itself runs after those of the libraries and
// before main; glibc passes it argc, argv and envp.
[[gnu::used, gnu::section(".init_array")]] void (*const embed_metrics_thread_policy)(
    int, char**, char**) = choose_thread_policy;
