#pragma once
// Device probes, contexts, streams and memory of a backend. The CUDA module
// supplies them (cuda/core/device_ops.cpp); the CPU backend has none (its
// table's `device` is null), and src/core/resources.cpp reaches the device
// only through this family, so the core library links no CUDA library.

#include <cstddef>
#include <memory>
#include <string>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
class communicator;
namespace detail {
struct cuda_context;
}
}  // namespace embed_metrics

namespace embed_metrics::detail {

class device_ops {
 public:
  virtual ~device_ops() = default;

  /// Usable devices; 0 on any error (no driver, no device). Never throws.
  [[nodiscard]] virtual int device_count() const noexcept = 0;
  /// The device's name, as "NVIDIA H100 80GB HBM3".
  [[nodiscard]] virtual std::string device_name(int device) const = 0;

  /// A context (stream, BLAS handle, memory pool) on @p device, ordered on
  /// @p user_stream when not null; destroy_context frees it.
  [[nodiscard]] virtual cuda_context* create_context(int device, void* user_stream) const = 0;
  virtual void destroy_context(cuda_context* ctx) const noexcept = 0;
  virtual void set_stream(cuda_context& ctx, void* user_stream) const = 0;
  [[nodiscard]] virtual void* stream_of(cuda_context& ctx) const noexcept = 0;
  virtual void synchronize(cuda_context& ctx) const = 0;

  /// Wait for the stream, then give every byte the context's pool holds back.
  virtual void release_memory(cuda_context& ctx) const = 0;
  /// End of a call made of backend pieces: wait, trim the pool to
  /// resources::retained_device_bytes.
  virtual void trim_memory(const resources& res) const = 0;
  /// Bytes the context's pool holds reserved now (for tests).
  [[nodiscard]] virtual std::size_t reserved_bytes(const resources& res) const = 0;

  /// Device scratch on the handle's stream, for drivers that keep a buffer
  /// across primitives.
  [[nodiscard]] virtual void* allocate(const resources& res, std::size_t bytes) const = 0;
  virtual void deallocate(const resources& res, void* p) const noexcept = 0;

  /// Throw invalid_argument, naming @p name, when the memory of @p x is not
  /// where its memory space says.
  virtual void check_view(const resources& res, matrix_view x, const char* name) const = 0;

  /// The NCCL communicator over the caller's ncclComm_t and stream, in the
  /// module because it needs the CUDA runtime; throws backend_unavailable
  /// when the module was built without NCCL.
  [[nodiscard]] virtual std::shared_ptr<communicator> nccl_communicator(void* nccl_comm,
                                                                        void* cuda_stream) const = 0;
  [[nodiscard]] virtual bool nccl_built() const noexcept = 0;
  /// Device buffers through which a device-memory communicator stages host data.
  [[nodiscard]] virtual void* staging_allocate(std::size_t bytes) const = 0;
  virtual void staging_free(void* p) const noexcept = 0;
  virtual void staging_copy(void* dst, const void* src, std::size_t bytes, bool to_device) const = 0;
};

}  // namespace embed_metrics::detail
