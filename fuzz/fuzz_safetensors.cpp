// libFuzzer target: the .safetensors header (length prefix, JSON, dtypes,
// shapes, data_offsets range / size / overlap checks).

#include <cstdint>
#include <cstdlib>

#include "io/safetensors_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embed_metrics;
  try {
    const auto h = io::parse_safetensors({data, size}, "fuzz.safetensors");
    for (const auto& t : h.tensors) {
      // every tensor the parser accepts lies inside the input
      if (t.begin > t.end || h.data_start + t.end > size) std::abort();
    }
  } catch (const embed_metrics::error&) {
  }
  return 0;
}
