// A host-memory face for a device-memory communicator: each buffer is
// copied to device memory, exchanged there, and copied back.

#include "dist/host_staging.hpp"

namespace embed_metrics::detail {
namespace {

class device_buffer {
 public:
  explicit device_buffer(std::size_t bytes) : p_(staging_allocate(bytes)) {}
  ~device_buffer() { staging_free(p_); }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  [[nodiscard]] void* get() const noexcept { return p_; }

 private:
  void* p_;
};

// The staged buffers live as long as the inner exchange; wait() copies the
// received bytes back to the host.
class staged_exchange final : public pending_exchange {
 public:
  staged_exchange(std::size_t send_bytes, void* recv, std::size_t recv_bytes)
      : send_(send_bytes), recv_(recv_bytes), host_recv_(recv), recv_bytes_(recv_bytes) {}
  void start(std::unique_ptr<pending_exchange> inner) { inner_ = std::move(inner); }
  void wait() override {
    if (inner_ == nullptr) return;
    inner_->wait();
    inner_.reset();
    staging_copy(host_recv_, recv_.get(), recv_bytes_, false);
  }
  [[nodiscard]] void* send() const noexcept { return send_.get(); }
  [[nodiscard]] void* recv() const noexcept { return recv_.get(); }

 private:
  device_buffer send_;
  device_buffer recv_;
  void* host_recv_;
  std::size_t recv_bytes_;
  std::unique_ptr<pending_exchange> inner_;
};

class staged_communicator final : public communicator {
 public:
  explicit staged_communicator(std::shared_ptr<communicator> inner) : inner_(std::move(inner)) {}
  [[nodiscard]] int rank() const override { return inner_->rank(); }
  [[nodiscard]] int size() const override { return inner_->size(); }
  [[nodiscard]] memory_space space() const override { return memory_space::host; }
  void all_reduce_sum(std::int64_t* data, std::size_t count) override {
    staged(data, count * sizeof(*data), [&](void* d) { inner_->all_reduce_sum(static_cast<std::int64_t*>(d), count); });
  }
  void all_reduce_sum(double* data, std::size_t count) override {
    staged(data, count * sizeof(*data), [&](void* d) { inner_->all_reduce_sum(static_cast<double*>(d), count); });
  }
  void all_reduce_max(double* data, std::size_t count) override {
    staged(data, count * sizeof(*data), [&](void* d) { inner_->all_reduce_max(static_cast<double*>(d), count); });
  }
  void all_gather(const void* send, std::size_t bytes, void* recv) override {
    const auto total = bytes * static_cast<std::size_t>(size());
    device_buffer s(bytes);
    device_buffer r(total);
    staging_copy(s.get(), send, bytes, true);
    inner_->all_gather(s.get(), bytes, r.get());
    staging_copy(recv, r.get(), total, false);
    count_bytes(static_cast<std::uint64_t>(bytes) * static_cast<std::uint64_t>(size() - 1));
  }
  void send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                 std::size_t recv_bytes, int from) override {
    device_buffer s(send_bytes);
    device_buffer r(recv_bytes);
    staging_copy(s.get(), send, send_bytes, true);
    inner_->send_recv(s.get(), send_bytes, to, r.get(), recv_bytes, from);
    staging_copy(recv, r.get(), recv_bytes, false);
    count_bytes(send_bytes);
  }
  std::unique_ptr<pending_exchange> start_send_recv(const void* send, std::size_t send_bytes, int to, void* recv,
                                                    std::size_t recv_bytes, int from) override {
    auto ex = std::make_unique<staged_exchange>(send_bytes, recv, recv_bytes);
    staging_copy(ex->send(), send, send_bytes, true);
    ex->start(inner_->start_send_recv(ex->send(), send_bytes, to, ex->recv(), recv_bytes, from));
    count_bytes(send_bytes);
    return ex;
  }

 private:
  template <class F>
  void staged(void* data, std::size_t bytes, F&& f) {
    device_buffer d(bytes);
    staging_copy(d.get(), data, bytes, true);
    f(d.get());
    staging_copy(data, d.get(), bytes, false);
    count_bytes(ring_all_reduce_bytes(bytes));
  }
  std::shared_ptr<communicator> inner_;
};

}  // namespace

std::shared_ptr<communicator> host_communicator(const std::shared_ptr<communicator>& comm) {
  if (comm->space() == memory_space::host) return comm;
  return std::make_shared<staged_communicator>(comm);
}

}  // namespace embed_metrics::detail
