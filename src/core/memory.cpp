#include "core/memory.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/check.hpp"

namespace embed_metrics::detail {
namespace {

std::string gib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

}  // namespace

std::uint64_t physical_memory_bytes() noexcept {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return bytes_for(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page));
}

std::uint64_t bytes_for(std::uint64_t count, std::uint64_t item_bytes) noexcept {
  std::uint64_t r = 0;
  return __builtin_mul_overflow(count, item_bytes, &r) ? UINT64_MAX : r;
}

std::uint64_t add_bytes(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

std::string out_of_memory_message(std::uint64_t bytes, std::string_view what) {
  return cat("out of memory: needed ", bytes, " bytes (", gib(bytes), ") for ", what);
}

void require_memory(std::uint64_t bytes, std::string_view what) {
  const std::uint64_t have = physical_memory_bytes();
  if (have == 0 || bytes <= have) return;
  throw out_of_memory(cat("out of memory: ", what, " needs ", bytes, " bytes (", gib(bytes), "), but this machine has ",
                          have, " bytes (", gib(have), ") of memory; ask for less"));
}

}  // namespace embed_metrics::detail
