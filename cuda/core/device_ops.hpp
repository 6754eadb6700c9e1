#pragma once
// The CUDA backend's device family (contexts, streams, memory, probes).

#include "backend/device_ops.hpp"

namespace embed_metrics::gpu {

[[nodiscard]] const detail::device_ops& device_family();

}  // namespace embed_metrics::gpu
