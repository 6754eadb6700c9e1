#include "embed_metrics/resources.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <thread>

#include "core/check.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_backend.hpp"
#endif

namespace embed_metrics {
namespace {

void no_context(detail::cuda_context* /*unused*/) {}

#ifdef EMBED_METRICS_HAS_CUDA
void free_context(detail::cuda_context* ctx) { gpu::destroy_context(ctx); }
#endif

int parse_index(std::string_view s, std::string_view whole) {
  int value = -1;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || value < 0)
    throw invalid_argument(detail::cat("device '", whole,
                                       "': the CUDA device index must be a number >= 0, as in cuda:0"));
  return value;
}

}  // namespace

int max_cpu_threads() noexcept {
  int most = static_cast<int>(std::min<unsigned>(std::thread::hardware_concurrency(), 1u << 20));
  if (most < 1) most = omp_get_num_procs();
  most = std::min(most, omp_get_thread_limit());
  return std::max(1, most);
}

bool cuda_compiled() noexcept {
#ifdef EMBED_METRICS_HAS_CUDA
  return true;
#else
  return false;
#endif
}

int cuda_device_count() noexcept {
#ifdef EMBED_METRICS_HAS_CUDA
  return gpu::device_count();
#else
  return 0;
#endif
}

resources::resources(std::string_view device, int threads) : ctx_(nullptr, &no_context) {
  EM_EXPECTS(threads >= 0, "threads = ", threads, ": use 0 (all cores) or a positive count");
  threads_ = threads > 0 ? threads : omp_get_max_threads();
  if (threads_ < 1) threads_ = 1;

  if (device == "cpu") {
    kind_ = device_kind::cpu;
    return;
  }
  if (device == "auto") {
    if (cuda_device_count() > 0) {
      kind_ = device_kind::cuda;
      device_index_ = 0;
    }
    return;
  }
  if (device == "cuda" || device.substr(0, 5) == "cuda:") {
    const int index = device == "cuda" ? 0 : parse_index(device.substr(5), device);
    if (!cuda_compiled())
      throw backend_unavailable(detail::cat(
          "device '", device,
          "' asked for, but this build of embed_metrics has no CUDA backend; rebuild with "
          "-DEMBED_METRICS_CUDA=ON or use --device cpu"));
    const int count = cuda_device_count();
    if (count == 0)
      throw backend_unavailable(detail::cat(
          "device '", device,
          "' asked for, but no CUDA device is usable on this machine (no GPU or no driver); "
          "use --device cpu or auto"));
    if (index >= count)
      throw backend_unavailable(detail::cat("device '", device, "' asked for, but this machine has ",
                                            count, " CUDA device(s): use cuda:0..cuda:", count - 1));
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
#ifdef EMBED_METRICS_HAS_CUDA
  if (is_cuda()) return detail::cat(device_string(), " (", gpu::device_name(device_index_), ")");
#endif
  return detail::cat("cpu (", threads_, threads_ == 1 ? " thread)" : " threads)");
}

detail::cuda_context& resources::cuda_context() const {
#ifdef EMBED_METRICS_HAS_CUDA
  EM_EXPECTS(is_cuda(), "a CUDA context was asked of CPU resources");
  if (!ctx_) ctx_ = {gpu::create_context(device_index_, user_stream_), &free_context};
  return *ctx_;
#else
  throw backend_unavailable("this build of embed_metrics has no CUDA backend");
#endif
}

void* resources::stream() const {
#ifdef EMBED_METRICS_HAS_CUDA
  if (is_cuda()) return gpu::stream_of(cuda_context());
#endif
  return nullptr;
}

void resources::set_stream(void* cuda_stream) {
  EM_EXPECTS(is_cuda(), "set_stream: these resources run on the CPU; create them with \"cuda\"");
  user_stream_ = cuda_stream;
#ifdef EMBED_METRICS_HAS_CUDA
  if (ctx_) gpu::set_stream(*ctx_, cuda_stream);
#endif
}

void resources::release_memory() {
#ifdef EMBED_METRICS_HAS_CUDA
  if (is_cuda() && ctx_) gpu::release_memory(*ctx_);
#endif
}

void resources::synchronize() const {
#ifdef EMBED_METRICS_HAS_CUDA
  if (is_cuda() && ctx_) gpu::synchronize(*ctx_);
#endif
}

}  // namespace embed_metrics
