#pragma once
/// @file communicator.hpp
/// @brief The processes a distributed computation runs over: each rank holds
/// a block of rows, and the distributed metrics (distributed.hpp) combine
/// the blocks through this interface. Plain C++: the MPI and NCCL versions
/// wrap a handle the caller already has, passed as an opaque pointer, so that
/// no MPI or NCCL header is needed to include this one.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {

/// @brief Collective and point-to-point exchange between the ranks of one
/// job. Every collective must be called by every rank in the same order (as
/// in MPI). Buffers live in space(): host memory for MPI, device memory for
/// NCCL.
class communicator {
 public:
  virtual ~communicator() = default;
  /// @brief This process's rank, in [0, size()).
  [[nodiscard]] virtual int rank() const = 0;
  /// @brief Number of ranks.
  [[nodiscard]] virtual int size() const = 0;
  /// @brief Where the buffers of every call must live.
  [[nodiscard]] virtual memory_space space() const = 0;
  /// @brief In place: every rank's data[i] becomes the sum over ranks (exact:
  /// integer addition does not depend on the order).
  virtual void all_reduce_sum(std::int64_t* data, std::size_t count) = 0;
  /// @brief In place: the sum over ranks, in double. Floating-point sums
  /// depend on the order the library picks; the distributed metrics use
  /// all_reduce_sum of int64 (exact) where the answer must not depend on it.
  virtual void all_reduce_sum(double* data, std::size_t count) = 0;
  /// @brief In place: the maximum over ranks (exact).
  virtual void all_reduce_max(double* data, std::size_t count) = 0;
  /// @brief recv (size() * bytes) receives each rank's @p bytes of send, in rank order.
  virtual void all_gather(const void* send, std::size_t bytes, void* recv) = 0;
  /// @brief Sends @p send_bytes to rank @p to while receiving @p recv_bytes
  /// from rank @p from (one step of a ring; never deadlocks).
  virtual void send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                         std::size_t recv_bytes, int from) = 0;
  /// @brief Bytes this rank has sent so far through the calls above (as the
  /// algorithm sees them: an all-reduce of m bytes counts 2 m (P - 1) / P,
  /// the volume of a ring all-reduce). For the cost measurements.
  [[nodiscard]] std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }

 protected:
  void count_bytes(std::uint64_t b) noexcept { bytes_sent_ += b; }
  [[nodiscard]] std::uint64_t ring_all_reduce_bytes(std::size_t bytes) const {
    const auto p = static_cast<std::uint64_t>(size());
    return p <= 1 ? 0 : 2 * static_cast<std::uint64_t>(bytes) * (p - 1) / p;
  }

 private:
  std::uint64_t bytes_sent_ = 0;
};

/// @brief One rank alone (size 1): the distributed code path without any
/// exchange, e.g. to compare it with a run over many ranks.
[[nodiscard]] std::shared_ptr<communicator> make_single_process_communicator();

/// @brief True when this build has the MPI communicator.
[[nodiscard]] bool mpi_compiled() noexcept;
/// @brief True when this build has the NCCL communicator.
[[nodiscard]] bool nccl_compiled() noexcept;

/// @brief The MPI communicator over @p mpi_comm, a pointer to the caller's
/// MPI_Comm (not duplicated; it must outlive the result), or over
/// MPI_COMM_WORLD when null. MPI is initialised here when the caller has not
/// (and finalised at exit then).
/// @throws backend_unavailable when this build has no MPI.
[[nodiscard]] std::shared_ptr<communicator> make_mpi_communicator(const void* mpi_comm = nullptr);

/// @brief The NCCL communicator over the caller's ncclComm_t (passed as its
/// pointer value), ordering its work on @p cuda_stream (a cudaStream_t; null
/// for the legacy default stream). Buffers are device memory.
/// @throws backend_unavailable when this build has no NCCL.
[[nodiscard]] std::shared_ptr<communicator> make_nccl_communicator(void* nccl_comm,
                                                                   void* cuda_stream = nullptr);

}  // namespace embed_metrics
