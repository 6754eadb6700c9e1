// The MPI communicator (host memory), built when CMake finds MPI. It wraps
// the caller's MPI_Comm without duplicating it, so a trainer's own
// communicator is shared; without one it uses MPI_COMM_WORLD, initialising
// MPI when nobody has.

#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/check.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {
namespace {

void check_mpi(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw error(detail::cat("MPI ", what, " failed: ", std::string(text, static_cast<std::size_t>(len))));
}

int as_count(std::size_t n, const char* what) {
  EM_EXPECTS(n <= static_cast<std::size_t>(INT_MAX), "MPI ", what, ": ", n,
             " elements exceed the 2^31 - 1 of one MPI call; split the data");
  return static_cast<int>(n);
}

void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// An Isend / Irecv pair; wait() is MPI_Waitall.
class mpi_exchange final : public pending_exchange {
 public:
  mpi_exchange() = default;
  mpi_exchange(const mpi_exchange&) = delete;
  mpi_exchange& operator=(const mpi_exchange&) = delete;
  ~mpi_exchange() override {
    if (!done_) MPI_Waitall(2, requests_, MPI_STATUSES_IGNORE);  // never free buffers under a transfer
  }
  void wait() override {
    if (done_) return;
    done_ = true;
    check_mpi(MPI_Waitall(2, requests_, MPI_STATUSES_IGNORE), "Waitall");
  }
  MPI_Request* requests() noexcept { return requests_; }

 private:
  MPI_Request requests_[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  bool done_ = false;
};

class mpi_communicator final : public communicator {
 public:
  explicit mpi_communicator(MPI_Comm comm) : comm_(comm) {
    check_mpi(MPI_Comm_rank(comm_, &rank_), "Comm_rank");
    check_mpi(MPI_Comm_size(comm_, &size_), "Comm_size");
  }
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }
  [[nodiscard]] memory_space space() const override { return memory_space::host; }
  void all_reduce_sum(std::int64_t* data, std::size_t count) override {
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, data, as_count(count, "Allreduce"), MPI_INT64_T, MPI_SUM, comm_),
              "Allreduce");
    count_bytes(ring_all_reduce_bytes(count * sizeof(std::int64_t)));
  }
  void all_reduce_sum(double* data, std::size_t count) override {
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, data, as_count(count, "Allreduce"), MPI_DOUBLE, MPI_SUM, comm_),
              "Allreduce");
    count_bytes(ring_all_reduce_bytes(count * sizeof(double)));
  }
  void all_reduce_max(double* data, std::size_t count) override {
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, data, as_count(count, "Allreduce"), MPI_DOUBLE, MPI_MAX, comm_),
              "Allreduce");
    count_bytes(ring_all_reduce_bytes(count * sizeof(double)));
  }
  void all_gather(const void* send, std::size_t bytes, void* recv) override {
    const int n = as_count(bytes, "Allgather");
    check_mpi(MPI_Allgather(send, n, MPI_BYTE, recv, n, MPI_BYTE, comm_), "Allgather");
    count_bytes(static_cast<std::uint64_t>(bytes) * static_cast<std::uint64_t>(size_ - 1));
  }
  void send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                 std::size_t recv_bytes, int from) override {
    check_mpi(MPI_Sendrecv(send, as_count(send_bytes, "Sendrecv"), MPI_BYTE, to, 0, recv,
                           as_count(recv_bytes, "Sendrecv"), MPI_BYTE, from, 0, comm_,
                           MPI_STATUS_IGNORE),
              "Sendrecv");
    count_bytes(send_bytes);
  }
  std::unique_ptr<pending_exchange> start_send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                                                    std::size_t recv_bytes, int from) override {
    auto ex = std::make_unique<mpi_exchange>();
    // The receive first, so that an eager send finds it posted.
    check_mpi(MPI_Irecv(recv, as_count(recv_bytes, "Irecv"), MPI_BYTE, from, 1, comm_, &ex->requests()[0]), "Irecv");
    check_mpi(MPI_Isend(send, as_count(send_bytes, "Isend"), MPI_BYTE, to, 1, comm_, &ex->requests()[1]), "Isend");
    count_bytes(send_bytes);
    return ex;
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

bool mpi_compiled() noexcept { return true; }

std::shared_ptr<communicator> make_mpi_communicator(const void* mpi_comm) {
  int initialized = 0;
  check_mpi(MPI_Initialized(&initialized), "Initialized");
  if (!initialized) {
    check_mpi(MPI_Init(nullptr, nullptr), "Init");
    std::atexit(finalize_at_exit);
  }
  const MPI_Comm comm = mpi_comm != nullptr ? *static_cast<const MPI_Comm*>(mpi_comm) : MPI_COMM_WORLD;
  return std::make_shared<mpi_communicator>(comm);
}

}  // namespace embed_metrics
