#include "cli/memory_needs.hpp"

#include "core/memory.hpp"

namespace embed_metrics::cli {
namespace {

std::uint64_t u(std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0; }

}  // namespace

std::uint64_t kmeans_bytes(std::int64_t n, std::int64_t d, std::int64_t k, std::int64_t runs) {
  using detail::add_bytes;
  using detail::bytes_for;
  const std::uint64_t labels = bytes_for(u(n), sizeof(std::int32_t) + sizeof(std::int64_t));
  const std::uint64_t centres = bytes_for(bytes_for(u(k), u(d)), sizeof(float) + sizeof(double));
  return bytes_for(u(runs), add_bytes(labels, centres));
}

std::uint64_t knn_bytes(std::int64_t n, std::int64_t k) {
  return detail::bytes_for(detail::bytes_for(u(n), u(k)), 2 * (sizeof(std::int64_t) + sizeof(float)));
}

std::uint64_t histogram_bytes(std::int64_t n, std::int64_t bins, int threads) {
  using detail::bytes_for;
  const std::uint64_t per_thread = detail::add_bytes(bytes_for(u(n), sizeof(double)),
                                                     bytes_for(u(bins), sizeof(std::int64_t)));
  return bytes_for(u(threads), per_thread);
}

}  // namespace embed_metrics::cli
