// Built instead of mpi_communicator.cpp when CMake finds no MPI.

#include "embed_metrics/communicator.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {

bool mpi_compiled() noexcept { return false; }

std::shared_ptr<communicator> make_mpi_communicator(const void* /*mpi_comm*/) {
  throw backend_unavailable(
      "this build of embed_metrics has no MPI communicator; install an MPI (Debian: "
      "openmpi-bin libopenmpi-dev) and rebuild with -DEMBED_METRICS_MPI=ON");
}

}  // namespace embed_metrics
