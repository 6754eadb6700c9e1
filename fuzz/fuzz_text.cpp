// libFuzzer target: the CSV / TSV table and text label parsers.

#include <cstdint>

#include "io/text_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embed_metrics;
  try {
    (void)io::parse_text_table({data, size}, "fuzz.csv", '\0');
  } catch (const embed_metrics::error&) {
  }
  try {
    (void)io::parse_text_labels({data, size}, "fuzz.txt");
  } catch (const embed_metrics::error&) {
  }
  return 0;
}
