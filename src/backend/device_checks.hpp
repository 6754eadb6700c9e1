#pragma once
// Plain C++ rules of the CUDA backend's input contract, shared by cuda/*.cu
// and tested on the CPU: where a view's pointer may point, the 32-bit index
// limits, and the grid limits that launches are cut to.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/check.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics::gpu {

/// The largest gridDim.y and gridDim.z of a launch.
inline constexpr std::int64_t kMaxGridYZ = 65535;
/// The largest gridDim.x of a launch.
inline constexpr std::int64_t kMaxGridX = 2147483647;

/// Launches needed to cover @p count blocks with at most @p per_launch each.
[[nodiscard]] constexpr std::int64_t launch_count(std::int64_t count, std::int64_t per_launch) {
  return count <= 0 ? 0 : (count + per_launch - 1) / per_launch;
}

/// Blocks of @p threads threads covering @p work items, capped at @p cap (a
/// kernel with a grid-stride loop covers the rest); at least 1.
[[nodiscard]] constexpr std::int64_t capped_blocks(std::int64_t work, std::int64_t threads,
                                                   std::int64_t cap = kMaxGridX) {
  const std::int64_t b = work <= 0 ? 1 : (work + threads - 1) / threads;
  return b < cap ? b : cap;
}

/// Throw invalid_argument when @p count (rows of @p what) does not fit the
/// 32-bit indices and counts of @p algorithm on CUDA.
inline void check_int32_rows(std::int64_t count, std::string_view what, std::string_view algorithm) {
  EM_EXPECTS(count < (std::int64_t{1} << 31), algorithm, " on CUDA: ", what, " has ", count,
             " rows; the CUDA backend indexes rows and counts clusters with 32-bit integers, so "
             "it takes fewer than 2^31 rows (use CPU resources or a sample)");
}

/// What cudaPointerGetAttributes says of a pointer, in plain terms.
enum class pointer_kind {
  unregistered,  ///< ordinary host memory (not known to CUDA)
  host,          ///< page-locked host memory (cudaMallocHost / cudaHostRegister)
  device,        ///< device memory of device `pointer_device`
  managed,       ///< managed memory (usable from any device)
};

/// Empty when a view named @p name, declared in @p space, may be used by a
/// CUDA backend running on @p device; else the error message.
[[nodiscard]] inline std::string pointer_problem(pointer_kind kind, int pointer_device,
                                                 memory_space space, int device,
                                                 std::string_view name) {
  if (space == memory_space::device) {
    if (kind == pointer_kind::managed) return {};
    if (kind == pointer_kind::device) {
      if (pointer_device == device) return {};
      return detail::cat(name, " is in the memory of cuda:", pointer_device,
                         " but the resources run on cuda:", device,
                         ": create the resources on that device or copy the data");
    }
    return detail::cat(name, " is marked memory_space::device but points to ",
                       kind == pointer_kind::host ? "page-locked host" : "host",
                       " memory: pass memory_space::host (the data is copied) or a device pointer");
  }
  if (kind == pointer_kind::device)
    return detail::cat(name, " is marked memory_space::host but points to device memory of cuda:",
                       pointer_device, ": pass memory_space::device");
  return {};
}

}  // namespace embed_metrics::gpu
