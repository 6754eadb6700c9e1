#pragma once
// Device probes, contexts, streams and memory of a backend (the CUDA module
// supplies them; the CPU backend has none).

namespace embed_metrics::detail {

class device_ops {
 public:
  virtual ~device_ops() = default;
};

}  // namespace embed_metrics::detail
