// The CPU backend's k-means primitives for memory and rows: the driver's
// buffers are host memory, so moving data is memcpy; the rows come
// prepared by core/row_prep (centred and scaled, or unit rows for cosine).

#include "cpu/kmeans_ops.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "cpu/cpu_ops.hpp"
#include "cpu/distance_tile.hpp"
#include "cpu/kmeans_common.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {

const detail::kmeans_ops& kmeans_operations() {
  static const kmeans_host_ops ops;
  return ops;
}

std::shared_ptr<void> kmeans_host_ops::begin_call(const resources&) const { return nullptr; }

detail::kmeans_buffer kmeans_host_ops::allocate(const resources&, std::size_t bytes,
                                                const char*) const {
  // Through operator new, as any host container: a failure is bad_alloc,
  // and the caller names the job and the size.
  void* p = ::operator new(std::max<std::size_t>(bytes, 1));
  return {std::shared_ptr<void>(p, [](void* q) { ::operator delete(q); }), bytes};
}

void kmeans_host_ops::upload(const resources& res, void* dst, const void* src, std::size_t bytes) const {
  copy(res, dst, src, bytes);
}

void kmeans_host_ops::download(const resources& res, void* dst, const void* src, std::size_t bytes) const {
  copy(res, dst, src, bytes);
}

void kmeans_host_ops::copy(const resources&, void* dst, const void* src, std::size_t bytes) const {
  if (bytes > 0 && dst != src) std::memcpy(dst, src, bytes);
}

void kmeans_host_ops::fill_bytes(const resources&, void* dst, unsigned char value,
                                 std::size_t bytes) const {
  std::memset(dst, value, bytes);
}

detail::kmeans_staged kmeans_host_ops::stage_rows(const resources& res, matrix_view m,
                                                  bool packed, const char* name) const {
  detail::kmeans_staged out;
  out.rows = {m.data, m.rows, m.cols, m.ld()};
  if (!packed || m.ld() == m.cols) return out;  // used in place
  out.keep = allocate(res, sizeof(float) * static_cast<std::size_t>(m.rows * m.cols), name);
  auto* dst = out.keep.as<float>();
  for (std::int64_t i = 0; i < m.rows; ++i)
    std::memcpy(dst + i * m.cols, m.row(i), sizeof(float) * static_cast<std::size_t>(m.cols));
  out.rows = {dst, m.rows, m.cols, m.cols};
  return out;
}

double kmeans_host_ops::tolerance(const resources& res, rows x, double tol) const {
  return detail::kmeans_tolerance(matrix_view(x.data, x.n, x.d, x.ld), tol, res.threads());
}

void kmeans_host_ops::row_sqnorms(const resources& res, rows x, float* out) const {
  cpu::row_sqnorms(matrix_view(x.data, x.n, x.d, x.ld), out,
                   detail::kmeans_team(res.threads(), x.n * x.d));
}

void kmeans_host_ops::gather_rows(const resources&, rows x, const std::int64_t* idx,
                                  std::int64_t count, float* out) const {
  for (std::int64_t c = 0; c < count; ++c)
    std::memcpy(out + c * x.d, x.data + idx[c] * x.ld, sizeof(float) * static_cast<std::size_t>(x.d));
}

}  // namespace embed_metrics::cpu
