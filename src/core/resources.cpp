#include "embed_metrics/resources.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <thread>

#include "backend/backend.hpp"
#include "backend/cuda_module.hpp"
#include "core/check.hpp"

namespace embed_metrics {
namespace {

void no_context(detail::cuda_context* /*unused*/) {}

// Only called for a context made by the CUDA module, which is loaded then.
void free_context(detail::cuda_context* ctx) {
  detail::cuda_backend().device->destroy_context(ctx);
}

// The CUDA module's device family; throws backend_unavailable, naming
// @p device, when the module cannot be loaded.
const detail::device_ops& cuda_device_ops(std::string_view device) {
  try {
    return *detail::cuda_backend().device;
  } catch (const backend_unavailable& e) {
    throw backend_unavailable(detail::cat("device '", device, "' asked for, but ", e.what()));
  }
}

int parse_index(std::string_view s, std::string_view whole) {
  int value = -1;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || value < 0)
    throw invalid_argument(detail::cat(
        "device '", whole, "': the CUDA device index must be a number >= 0, as in cuda:0"));
  return value;
}

}  // namespace

int max_cpu_threads() noexcept {
  int most = static_cast<int>(std::min<unsigned>(std::thread::hardware_concurrency(), 1u << 20));
  if (most < 1) most = omp_get_num_procs();
  most = std::min(most, omp_get_thread_limit());
  return std::max(1, most);
}

bool cuda_compiled() noexcept { return detail::cuda_module_found(); }

int cuda_device_count() noexcept {
  // The driver is asked first, so that a machine without a GPU never loads
  // the module (and with it the CUDA runtime and cuBLAS).
  if (detail::cuda_driver_device_count() == 0) return 0;
  try {
    return detail::cuda_backend().device->device_count();
  } catch (...) {
    return 0;
  }
}

resources::resources(std::string_view device, int threads) : ctx_(nullptr, &no_context) {
  EM_EXPECTS(threads >= 0, "threads = ", threads, ": use 0 (all cores) or a positive count");
  threads_ = std::max(1, threads > 0 ? threads : omp_get_max_threads());

  if (device == "cpu") {
    kind_ = device_kind::cpu;
    return;
  }
  if (device == "auto") {
    if (cuda_device_count() > 0) {  // loads the module only when a device exists
      kind_ = device_kind::cuda;
      device_index_ = 0;
    }
    return;
  }
  if (device == "cuda" || device.substr(0, 5) == "cuda:") {
    const int index = device == "cuda" ? 0 : parse_index(device.substr(5), device);
    const int count = cuda_device_ops(device).device_count();
    if (count == 0)
      throw backend_unavailable(detail::cat(
          "device '", device,
          "' asked for: the CUDA backend is loaded, but no CUDA device is usable on this "
          "machine (no GPU or no driver); "
          "use --device cpu or auto"));
    if (index >= count)
      throw backend_unavailable(detail::cat("device '", device,
                                            "' asked for, but this machine has ", count,
                                            " CUDA device(s): use cuda:0..cuda:", count - 1));
    kind_ = device_kind::cuda;
    device_index_ = index;
    return;
  }
  throw invalid_argument(
      detail::cat("unknown device '", device, "': use cpu, cuda, cuda:N or auto"));
}

resources::~resources() = default;
resources::resources(resources&&) noexcept = default;
resources& resources::operator=(resources&&) noexcept = default;

std::string resources::device_string() const {
  return is_cuda() ? detail::cat("cuda:", device_index_) : std::string("cpu");
}

std::string resources::describe() const {
  if (is_cuda())
    return detail::cat(device_string(), " (",
                       detail::backend_for(*this).device->device_name(device_index_), ")");
  return detail::cat("cpu (", threads_, threads_ == 1 ? " thread)" : " threads)");
}

detail::cuda_context& resources::cuda_context() const {
  EM_EXPECTS(is_cuda(), "a CUDA context was asked of CPU resources");
  if (!ctx_)
    ctx_ = {detail::backend_for(*this).device->create_context(device_index_, user_stream_),
            &free_context};
  return *ctx_;
}

void* resources::stream() const {
  return is_cuda() ? detail::backend_for(*this).device->stream_of(cuda_context()) : nullptr;
}

void resources::set_stream(void* cuda_stream) {
  EM_EXPECTS(is_cuda(), "set_stream: these resources run on the CPU; create them with \"cuda\"");
  user_stream_ = cuda_stream;
  if (ctx_) detail::backend_for(*this).device->set_stream(*ctx_, cuda_stream);
}

void resources::release_memory() {
  if (is_cuda() && ctx_) detail::backend_for(*this).device->release_memory(*ctx_);
}

void resources::synchronize() const {
  if (is_cuda() && ctx_) detail::backend_for(*this).device->synchronize(*ctx_);
}

}  // namespace embed_metrics
