// The NCCL communicator (device memory), part of the CUDA module when CMake
// finds NCCL (make_nccl_communicator reaches it through the device family). It wraps the caller's ncclComm_t (a trainer's, e.g.
// PyTorch's process group) and orders its work on the caller's stream; each
// call waits for the stream, because the distributed metrics use the result
// on the host at once.

#include <cuda_runtime.h>
#include <nccl.h>

#include <memory>
#include <string>

#include "core/check.hpp"
#include "cuda/core/nccl.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {
namespace {

void check_nccl(ncclResult_t rc, const char* what) {
  if (rc != ncclSuccess) throw error(detail::cat("NCCL ", what, " failed: ", ncclGetErrorString(rc)));
}

void check_cuda(cudaError_t rc, const char* what) {
  if (rc != cudaSuccess) throw error(detail::cat("CUDA ", what, " failed: ", cudaGetErrorString(rc)));
}

// A grouped ncclSend / ncclRecv queued on the stream; wait() synchronises it.
class nccl_exchange final : public pending_exchange {
 public:
  explicit nccl_exchange(cudaStream_t stream) : stream_(stream) {}
  nccl_exchange(const nccl_exchange&) = delete;
  nccl_exchange& operator=(const nccl_exchange&) = delete;
  ~nccl_exchange() override {
    if (!done_) cudaStreamSynchronize(stream_);  // never free buffers under a transfer
  }
  void wait() override {
    if (done_) return;
    done_ = true;
    check_cuda(cudaStreamSynchronize(stream_), "stream synchronize");
  }

 private:
  cudaStream_t stream_;
  bool done_ = false;
};

class nccl_communicator final : public communicator {
 public:
  nccl_communicator(ncclComm_t comm, cudaStream_t stream) : comm_(comm), stream_(stream) {
    check_nccl(ncclCommUserRank(comm_, &rank_), "CommUserRank");
    check_nccl(ncclCommCount(comm_, &size_), "CommCount");
  }
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }
  [[nodiscard]] memory_space space() const override { return memory_space::device; }
  void all_reduce_sum(std::int64_t* data, std::size_t count) override {
    reduce(data, count, ncclInt64, ncclSum, sizeof(std::int64_t));
  }
  void all_reduce_sum(double* data, std::size_t count) override {
    reduce(data, count, ncclFloat64, ncclSum, sizeof(double));
  }
  void all_reduce_max(double* data, std::size_t count) override {
    reduce(data, count, ncclFloat64, ncclMax, sizeof(double));
  }
  void all_gather(const void* send, std::size_t bytes, void* recv) override {
    check_nccl(ncclAllGather(send, recv, bytes, ncclChar, comm_, stream_), "AllGather");
    check_cuda(cudaStreamSynchronize(stream_), "stream synchronize");
    count_bytes(static_cast<std::uint64_t>(bytes) * static_cast<std::uint64_t>(size_ - 1));
  }
  void send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                 std::size_t recv_bytes, int from) override {
    start_send_recv(send, send_bytes, to, recv, recv_bytes, from)->wait();
  }
  std::unique_ptr<pending_exchange> start_send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                                                    std::size_t recv_bytes, int from) override {
    queue_send_recv(send, send_bytes, to, recv, recv_bytes, from);
    count_bytes(send_bytes);
    return std::make_unique<nccl_exchange>(stream_);
  }

 private:
  // One grouped ncclSend / ncclRecv pair, queued on the stream.
  void queue_send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                       std::size_t recv_bytes, int from) {
    check_nccl(ncclGroupStart(), "GroupStart");
    check_nccl(ncclSend(send, send_bytes, ncclChar, to, comm_, stream_), "Send");
    check_nccl(ncclRecv(recv, recv_bytes, ncclChar, from, comm_, stream_), "Recv");
    check_nccl(ncclGroupEnd(), "GroupEnd");
  }
  void reduce(void* data, std::size_t count, ncclDataType_t type, ncclRedOp_t op, std::size_t size) {
    check_nccl(ncclAllReduce(data, data, count, type, op, comm_, stream_), "AllReduce");
    check_cuda(cudaStreamSynchronize(stream_), "stream synchronize");
    count_bytes(ring_all_reduce_bytes(count * size));
  }
  ncclComm_t comm_;
  cudaStream_t stream_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

namespace gpu {

bool nccl_built() noexcept { return true; }

std::shared_ptr<communicator> make_nccl_communicator(void* nccl_comm, void* cuda_stream) {
  EM_EXPECTS(nccl_comm != nullptr, "make_nccl_communicator: nccl_comm is null; pass the ncclComm_t "
             "the caller made with ncclCommInitRank");
  return std::make_shared<nccl_communicator>(static_cast<ncclComm_t>(nccl_comm),
                                             static_cast<cudaStream_t>(cuda_stream));
}

}  // namespace gpu
}  // namespace embed_metrics
