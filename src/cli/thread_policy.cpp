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
// The BLAS kernel is left to OpenBLAS (or to OPENBLAS_CORETYPE, when the user
// sets it): forcing one it did not choose would make the tool compute with
// other kernels, and other rounding, than the library linked into a program
// on the same machine, and an older OpenBLAS is not known to be right on a CPU
// model it does not recognise. `embed-metrics devices` says which kernel runs
// and which one the CPU's features call for (cpu::kernel_for_cpu_features).
//
// A host process that links the library (a trainer) owns its OpenMP runtime
// and its BLAS threads; the library does not change them there.

#include <unistd.h>

#include <cstdlib>
#include <cstring>

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
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || one_thread(argc, argv)) return;
  setenv("OMP_WAIT_POLICY", "passive", 0);
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  execv("/proc/self/exe", argv);
  // No /proc: carry on with the runtimes' defaults.
}

}  // namespace

// An initialiser of the program itself runs after those of the libraries and
// before main; glibc passes it argc, argv and envp.
[[gnu::used, gnu::section(".init_array")]] void (*const embed_metrics_thread_policy)(
    int, char**, char**) = choose_thread_policy;
