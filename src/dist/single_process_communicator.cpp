// The communicator of one rank alone: every collective leaves the data as
// it is, so the distributed code runs unchanged on one process.

#include <cstring>

#include "embed_metrics/communicator.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {
namespace {

class single_process_communicator final : public communicator {
 public:
  [[nodiscard]] int rank() const override { return 0; }
  [[nodiscard]] int size() const override { return 1; }
  [[nodiscard]] memory_space space() const override { return memory_space::host; }
  void all_reduce_sum(std::int64_t* /*data*/, std::size_t /*count*/) override {}
  void all_reduce_sum(double* /*data*/, std::size_t /*count*/) override {}
  void all_reduce_max(double* /*data*/, std::size_t /*count*/) override {}
  void all_gather(const void* send, std::size_t bytes, void* recv) override {
    if (bytes > 0) std::memmove(recv, send, bytes);
  }
  void send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                 std::size_t recv_bytes, int from) override {
    if (to != 0 || from != 0 || send_bytes != recv_bytes)
      throw invalid_argument("send_recv on one rank: only rank 0 to itself, same size");
    if (send_bytes > 0) std::memmove(recv, send, send_bytes);
  }
};

}  // namespace

std::shared_ptr<communicator> make_single_process_communicator() {
  return std::make_shared<single_process_communicator>();
}

}  // namespace embed_metrics
