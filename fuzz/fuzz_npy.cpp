// libFuzzer target: the .npy header parser (magic, version, header length,
// the Python dict literal, shape and byte-size arithmetic). Any input must
// end in a parsed header or an embed_metrics::error; nothing else is allowed.

#include <cstdint>
#include <cstdlib>
#include <exception>

#include "io/npy_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embed_metrics;
  try {
    const io::npy_header h = io::parse_npy({data, size}, "fuzz.npy");
    // the data range the parser promises must lie inside the input
    if (h.data_offset + h.data_bytes != size) std::abort();
    if (h.data_bytes != h.count * static_cast<std::uint64_t>(h.type.size)) std::abort();
  } catch (const embed_metrics::error&) {
  }
  return 0;
}
