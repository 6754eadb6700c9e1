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
// Both runtimes read these settings once, in their own initialisers, which run
// before any constructor of this program; an entry of .preinit_array runs
// before all of them. A value the user set is kept (overwrite = 0).
//
// A host process that links the library (a trainer) owns its OpenMP runtime
// and its BLAS threads; the library does not change them there (see
// cpu/blas.cpp for how its BLAS calls stay single-threaded).

#include <cstdlib>

namespace {

void choose_thread_policy(int /*argc*/, char** /*argv*/, char** /*envp*/) {
  setenv("OMP_WAIT_POLICY", "passive", 0);
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
}

}  // namespace

[[gnu::used, gnu::section(".preinit_array")]] void (*const embed_metrics_thread_policy)(
    int, char**, char**) = choose_thread_policy;
