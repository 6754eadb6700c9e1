#pragma once
/// @file resources.hpp
/// @brief The resources handle passed first to every compute function: which
/// device runs the work, how many CPU threads, and (for CUDA) the stream,
/// cuBLAS handle and scratch memory, created lazily on first use.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace embed_metrics {

class communicator;  // communicator.hpp

namespace detail {
struct cuda_context;  // defined by the CUDA backend; opaque here
}

/// @brief The kind of device a resources handle runs on.
enum class device_kind {
  cpu,   ///< the CPU backend (OpenMP + BLAS)
  cuda,  ///< the CUDA backend (cuBLAS + kernels)
};

/// @brief Execution resources. Cheap to create; the CUDA context (stream,
/// cuBLAS handle, scratch memory) is made on first use. Not thread-safe: use
/// one handle per host thread.
class resources {
 public:
  /// @brief Resources on @p device: "cpu", "cuda", "cuda:N", or "auto" (CUDA
  /// when this build has it and a device is present, else the CPU).
  /// @param threads CPU threads for the CPU backend; 0 means all available.
  /// @throws backend_unavailable when CUDA is asked for but the build or the
  ///         machine has none; invalid_argument for an unknown device string.
  explicit resources(std::string_view device = "auto", int threads = 0);
  ~resources();
  resources(resources&&) noexcept;
  resources& operator=(resources&&) noexcept;
  resources(const resources&) = delete;
  resources& operator=(const resources&) = delete;

  /// @brief The device kind chosen.
  [[nodiscard]] device_kind kind() const noexcept { return kind_; }
  /// @brief True when work runs on a CUDA device.
  [[nodiscard]] bool is_cuda() const noexcept { return kind_ == device_kind::cuda; }
  /// @brief CUDA device ordinal, or -1 on the CPU.
  [[nodiscard]] int device_index() const noexcept { return device_index_; }
  /// @brief CPU threads used by the CPU backend (resolved, at least 1).
  [[nodiscard]] int threads() const noexcept { return threads_; }
  /// @brief "cpu" or "cuda:N", the form accepted by the constructor.
  [[nodiscard]] std::string device_string() const;
  /// @brief A human description: "cpu (2 threads)" or "cuda:0 (NVIDIA H100 80GB HBM3)".
  [[nodiscard]] std::string describe() const;

  /// @brief The CUDA stream work is ordered on, as an opaque cudaStream_t: the
  /// caller's (set_stream), else a stream owned by this handle (made on first
  /// use); nullptr on the CPU.
  ///
  /// Stream contract (as cuVS and FAISS): every call queues its work on this
  /// stream. The handle's own stream is a blocking stream (cudaStreamCreate
  /// without cudaStreamNonBlocking), so it is ordered after work queued on the
  /// legacy default stream; data written on any other stream (a framework's
  /// current stream, e.g. PyTorch's) must be ordered by the caller: pass that
  /// stream to set_stream. Results returned in host memory are complete when
  /// the call returns; results written to device views are ready on the
  /// stream (ordered before later work on it).
  [[nodiscard]] void* stream() const;
  /// @brief Order work on the caller's stream (a cudaStream_t of this
  /// handle's device; cudaStreamLegacy or cudaStreamPerThread also work); the
  /// handle does not take ownership, and the stream must outlive the handle or
  /// the next set_stream. Work of earlier calls is ordered before work on the
  /// new stream (an event, no host wait). nullptr returns to the handle's own
  /// stream. Only valid for CUDA resources.
  void set_stream(void* cuda_stream);
  /// @brief Block until all work queued on the stream is done (no-op on CPU).
  void synchronize() const;
  /// @brief Give the device memory held for reuse back to the driver.
  ///
  /// Scratch memory comes from a pool private to this handle (never the
  /// device's default pool, whose settings are left as they are). After a call
  /// returns, the pool keeps at most retained_device_bytes reserved for the
  /// next call; this waits for the stream and returns all of it, e.g. before a
  /// framework needs the memory. A no-op on the CPU or before first use.
  void release_memory();
  /// @brief Device memory a CUDA handle's pool may keep reserved after a call (64 MiB).
  static constexpr std::size_t retained_device_bytes = std::size_t{64} << 20;

  /// @brief The backend context, created on first call (CUDA resources only).
  /// For the library's own use; its type is opaque outside the CUDA backend.
  [[nodiscard]] detail::cuda_context& cuda_context() const;

  /// @brief The ranks the distributed metrics (distributed.hpp) run over;
  /// null (the default) for one process. Shared, so that a trainer's own
  /// communicator can be handed in and outlive the handle.
  void set_communicator(std::shared_ptr<communicator> comm) noexcept { comm_ = std::move(comm); }
  /// @brief The communicator set, or null.
  [[nodiscard]] const std::shared_ptr<communicator>& comm() const noexcept { return comm_; }

 private:
  std::shared_ptr<communicator> comm_;
  device_kind kind_ = device_kind::cpu;
  int device_index_ = -1;
  int threads_ = 1;
  void* user_stream_ = nullptr;
  mutable std::unique_ptr<detail::cuda_context, void (*)(detail::cuda_context*)> ctx_;
};

/// @brief The most CPU threads that run at once here: the hardware threads,
/// or the OpenMP thread limit where that is lower (at least 1).
[[nodiscard]] int max_cpu_threads() noexcept;

/// @brief True when this build contains the CUDA backend.
[[nodiscard]] bool cuda_compiled() noexcept;

/// @brief Number of usable CUDA devices; 0 when the build has no CUDA or any
/// CUDA call fails (no driver, no device). Never throws.
[[nodiscard]] int cuda_device_count() noexcept;

}  // namespace embed_metrics
