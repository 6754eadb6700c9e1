// libFuzzer target: the .npz (zip) reader: end-of-central-directory search,
// zip64 records, the central directory, local headers, stored and deflated
// entries with CRC checks, then the .npy header of each entry.

#include <cstdint>
#include <cstdlib>

#include "io/npy_header.hpp"
#include "io/zip_archive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embed_metrics;
  const io::byte_span bytes{data, size};
  try {
    const auto entries = io::read_zip_directory(bytes, "fuzz.npz");
    for (const auto& e : entries) {
      try {
        const auto content = io::zip_extract(bytes, e, "fuzz.npz");
        if (content.size() != e.size) std::abort();
        (void)io::parse_npy({content.data(), content.size()}, "fuzz.npz [entry]");
      } catch (const embed_metrics::error&) {
      }
    }
  } catch (const embed_metrics::error&) {
  }
  return 0;
}
