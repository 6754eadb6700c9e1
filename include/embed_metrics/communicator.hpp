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

#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics {

/// @brief A point-to-point exchange in flight (communicator::start_send_recv).
/// Its buffers must stay alive and the receive buffer untouched until wait()
/// returns; destroying it unwaited waits (the buffers are not freed under a
/// transfer).
class EMBED_METRICS_API pending_exchange {
 public:
  virtual ~pending_exchange() = default;
  /// @brief Blocks until the send and the receive are complete.
  virtual void wait() = 0;
};

/// @brief Collective and point-to-point exchange between the ranks of one
/// job. Every collective must be called by every rank in the same order (as
/// in MPI). Buffers live in space(): host memory for MPI, device memory for
/// NCCL.
class EMBED_METRICS_API communicator {
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
  /// @brief send_recv() started without waiting for it, so that the caller
  /// computes while the data travel; wait() on the result completes it. The
  /// send buffer may be read meanwhile, not written. The pairing rules of
  /// send_recv() hold (every rank starts its exchanges in the same order).
  /// This default exchanges at once (blocking) and returns a completed one.
  virtual std::unique_ptr<pending_exchange> start_send_recv(const void* send, std::size_t send_bytes, int to,
                                                            void* recv, std::size_t recv_bytes, int from) {
    send_recv(send, send_bytes, to, recv, recv_bytes, from);
    return std::make_unique<completed_exchange>();
  }
  /// @brief Bytes this rank has sent so far through the calls above (as the
  /// algorithm sees them: an all-reduce of m bytes counts 2 m (P - 1) / P,
  /// the volume of a ring all-reduce). For the cost measurements.
  [[nodiscard]] std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }

 protected:
  /// An exchange that was already done when it was returned.
  class completed_exchange final : public pending_exchange {
   public:
    void wait() override {}
  };
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
[[nodiscard]] EMBED_METRICS_API std::shared_ptr<communicator> make_single_process_communicator();

/// @brief True when this build has the MPI communicator.
[[nodiscard]] EMBED_METRICS_API bool mpi_compiled() noexcept;
/// @brief True when this build has the NCCL communicator.
[[nodiscard]] EMBED_METRICS_API bool nccl_compiled() noexcept;

/// @brief The MPI communicator over @p mpi_comm, a pointer to the caller's
/// MPI_Comm (not duplicated; it must outlive the result), or over
/// MPI_COMM_WORLD when null. MPI is initialised here when the caller has not
/// (and finalised at exit then).
/// @throws backend_unavailable when this build has no MPI.
[[nodiscard]] EMBED_METRICS_API std::shared_ptr<communicator> make_mpi_communicator(const void* mpi_comm = nullptr);

/// @brief The NCCL communicator over the caller's ncclComm_t (passed as its
/// pointer value), ordering its work on @p cuda_stream (a cudaStream_t; null
/// for the legacy default stream). Buffers are device memory.
/// @throws backend_unavailable when this build has no NCCL.
[[nodiscard]] EMBED_METRICS_API std::shared_ptr<communicator> make_nccl_communicator(void* nccl_comm,
                                                                   void* cuda_stream = nullptr);

}  // namespace embed_metrics
