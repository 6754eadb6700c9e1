#include "cli/failed_allocation.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

#include "core/check.hpp"
#include "core/memory.hpp"

namespace embed_metrics::cli {
namespace {

std::atomic<std::uint64_t> g_failed_bytes{0};

void* allocate(std::size_t size) {
  if (size == 0) size = 1;
  for (;;) {
    if (void* p = std::malloc(size)) return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      g_failed_bytes.store(size, std::memory_order_relaxed);
      throw std::bad_alloc();
    }
    handler();
  }
}

}  // namespace

std::string bad_alloc_message(std::string_view activity) {
  // Bytes asked for by the last allocation that failed (0 if none has).
  const std::uint64_t bytes = g_failed_bytes.load(std::memory_order_relaxed);
  if (bytes == 0) return detail::cat("out of memory: needed more memory than is free for ", activity);
  return detail::out_of_memory_message(bytes, activity);
}

std::string length_error_message(std::string_view activity) {
  return detail::cat("out of memory: needed more bytes than one allocation can hold for ", activity);
}

}  // namespace embed_metrics::cli

// The replacements: malloc and free, as the default ones, plus the record.
// Every unaligned form is replaced, nothrow ones too, so that each delete
// meets the allocator of its new (a sanitizer checks that they match).
void* operator new(std::size_t size) { return embed_metrics::cli::allocate(size); }
void* operator new[](std::size_t size) { return embed_metrics::cli::allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  try {
    return embed_metrics::cli::allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t /*size*/) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }
