// Row preparation on the device (see core/row_prep.hpp): the column ranges
// and the sample rows of a device view, the same as the host takes, so both
// backends find the same frame, and the packed copy of rows moved into it,
// (x - offset) * 2^-exponent; unit rows for cosine; the CUDA backend's
// row_prep_ops, with host copies of device inputs.

#include <algorithm>
#include <cmath>
#include <memory>

#include "backend/cuda_backend.hpp"
#include "backend/cuda_row_prep.hpp"
#include "core/check.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"
#include "cuda/row_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kThreads = 256;

// Block b of rows, column j: minimum and maximum.
__global__ void column_range_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t n,
                                    std::int64_t d, std::int64_t per, float* __restrict__ lo,
                                    float* __restrict__ hi) {
  const std::int64_t b = blockIdx.y;
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= d) return;
  const std::int64_t r1 = min(n, (b + 1) * per);
  float l = __int_as_float(0x7f800000);   // +inf
  float h = __int_as_float(0xff800000);   // -inf
  for (std::int64_t i = b * per; i < r1; ++i) {
    const float v = x[i * ldx + j];
    l = fminf(l, v);
    h = fmaxf(h, v);
  }
  lo[b * d + j] = l;
  hi[b * d + j] = h;
}

// Sample row t = row t * n / m of x (detail::row_frame_sample_row).
__global__ void gather_sample_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t n,
                                     std::int64_t d, std::int64_t m, float* __restrict__ out) {
  const std::int64_t t = blockIdx.x;
  const float* r = x + (t * n / m) * ldx;
  for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) out[t * d + j] = r[j];
}

// out (packed) = (x - offset) * scale, scale an exact power of two.
__global__ void apply_frame_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t n,
                                   std::int64_t d, const double* __restrict__ offset, double scale,
                                   float* __restrict__ out) {
  const std::int64_t total = n * d;
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < total;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = t / d;
    const std::int64_t j = t - i * d;
    out[t] = static_cast<float>((static_cast<double>(x[i * ldx + j]) - offset[j]) * scale);
  }
}

constexpr int kWarp = 32;

// One warp per row (see unit_rows). Not __restrict__: out may be x.
__global__ void unit_rows_kernel(const float* x, std::int64_t ldx, std::int64_t n, std::int64_t d,
                                 float* out, unsigned long long* first_zero, float* ones) {
  const std::int64_t i = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (i >= n) return;
  const float* r = x + i * ldx;
  double s = 0.0;
  for (std::int64_t j = lane; j < d; j += kWarp) s += static_cast<double>(r[j]) * r[j];
  for (int off = kWarp / 2; off > 0; off /= 2) s += __shfl_xor_sync(0xffffffffu, s, off);
  if (lane == 0 && ones != nullptr) ones[i] = 1.0f;
  if (s == 0.0 && lane == 0 && first_zero != nullptr)
    atomicMin(first_zero, static_cast<unsigned long long>(i));
  const double inv = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
  for (std::int64_t j = lane; j < d; j += kWarp) out[i * d + j] = static_cast<float>(r[j] * inv);
}

// A host copy of a (small) view, for the spread of initial centres.
host_matrix to_host_rows(matrix_view v, cudaStream_t s) {
  host_matrix h = host_matrix::uninitialized(v.rows, v.cols);
  if (v.rows * v.cols > 0)
    EM_CUDA_TRY(cudaMemcpy2DAsync(h.data(), sizeof(float) * v.cols, v.data, sizeof(float) * v.ld(),
                                  sizeof(float) * v.cols, v.rows,
                                  v.space == memory_space::device ? cudaMemcpyDeviceToHost
                                                                  : cudaMemcpyHostToHost,
                                  s));
  EM_CUDA_TRY(cudaStreamSynchronize(s));
  return h;
}

bool finite(const detail::column_stats& st) {
  for (std::size_t e = 0; e < st.lo.size(); ++e)
    if (!std::isfinite(st.lo[e]) || !std::isfinite(st.hi[e])) return false;
  return true;
}

}  // namespace

std::optional<detail::row_frame> fit_row_frame(const resources& res, matrix_view x,
                                               matrix_view also_cover) {
  if (x.rows == 0 || x.cols == 0) return std::nullopt;
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  host_matrix cover;
  if (!also_cover.empty()) cover = to_host_rows(also_cover, s);
  for (std::int64_t e = 0; e < cover.rows() * cover.cols(); ++e)
    if (!std::isfinite(cover.data()[e])) return std::nullopt;
  if (x.space == memory_space::host)  // already checked finite by the caller
    return detail::fit_row_frame(x, detail::row_geometry::euclidean, detail::zero_row_policy::keep,
                                 res.threads(), {cover.view()});
  detail::column_stats st;
  st.resize(x.rows, x.cols);
  const std::int64_t per = detail::row_frame_block_rows(x.rows);
  device_buffer<float> lo(st.lo.size(), s);
  device_buffer<float> hi(st.hi.size(), s);
  device_buffer<float> sample(st.sample.size(), s);
  const dim3 grid(static_cast<unsigned>((x.cols + kThreads - 1) / kThreads),
                  static_cast<unsigned>(st.blocks));
  EM_CUDA_LAUNCH(column_range_kernel<<<grid, kThreads, 0, s>>>(x.data, x.ld(), x.rows, x.cols, per,
                                                               lo.data(), hi.data()));
  EM_CUDA_LAUNCH(gather_sample_kernel<<<static_cast<unsigned>(st.sample_rows), kThreads, 0, s>>>(
      x.data, x.ld(), x.rows, x.cols, st.sample_rows, sample.data()));
  st.lo = lo.to_host();
  st.hi = hi.to_host();
  st.sample = sample.to_host();
  if (!finite(st)) return std::nullopt;
  return detail::finish_row_frame(st, detail::zero_row_policy::keep, {cover.view()});
}

prepared_device_rows::prepared_device_rows(const resources& res, matrix_view x,
                                           const detail::row_frame& frame)
    : res_(&res), rows_(x.rows), cols_(x.cols) {
  EM_EXPECTS(frame.geometry == detail::row_geometry::euclidean &&
                 static_cast<std::int64_t>(frame.offset.size()) == x.cols,
             "prepared_device_rows: the frame does not fit a ", x.rows, "x", x.cols, " matrix");
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  const std::size_t count = static_cast<std::size_t>(x.rows * x.cols);
  data_ = static_cast<float*>(device_allocate(res, sizeof(float) * count));
  if (count == 0) return;
  try {
    const device_matrix dx = on_device(x, s);
    const device_buffer<double> offset = to_device(frame.offset, s);
    const auto blocks = static_cast<unsigned>(
        std::min<std::int64_t>((static_cast<std::int64_t>(count) + kThreads - 1) / kThreads, 65536));
    EM_CUDA_LAUNCH(apply_frame_kernel<<<blocks, kThreads, 0, s>>>(
        dx.data, dx.ld, x.rows, x.cols, offset.data(), std::ldexp(1.0, -frame.exponent), data_));
    // The staging copy and the offsets are released in stream order; the
    // host offsets must outlive the upload, which this sync guarantees.
    EM_CUDA_TRY(cudaStreamSynchronize(s));
  } catch (...) {
    device_free(res, data_);
    throw;
  }
}

void unit_rows(const float* x, std::int64_t ldx, std::int64_t n, std::int64_t d, float* out,
               unsigned long long* first_zero, float* ones, cudaStream_t stream) {
  if (n == 0) return;
  const auto blocks = static_cast<unsigned>((n * kWarp + kThreads - 1) / kThreads);
  EM_CUDA_LAUNCH(
      unit_rows_kernel<<<blocks, kThreads, 0, stream>>>(x, ldx, n, d, out, first_zero, ones));
}

unsigned long long unit_rows_first_zero(const float* x, std::int64_t ldx, std::int64_t n,
                                        std::int64_t d, float* out, cudaStream_t stream) {
  device_buffer<unsigned long long> first_zero(1, stream);
  const unsigned long long none = ~0ull;
  first_zero.upload(&none, 1);
  unit_rows(x, ldx, n, d, out, first_zero.data(), nullptr, stream);
  return first_zero.to_host()[0];
}

prepared_device_rows::~prepared_device_rows() { device_free(*res_, data_); }

namespace {

// Unit rows in packed device memory; the lowest all-zero row, if any, is
// left zero or rejected as the policy says.
detail::prepared_rows prepare_unit_rows(const resources& res, matrix_view x,
                                        detail::zero_row_policy zeros, const char* name) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  const device_matrix dx = on_device(x, ctx.stream, name);
  const std::size_t bytes = sizeof(float) * static_cast<std::size_t>(x.rows * x.cols);
  std::shared_ptr<void> data(device_allocate(res, bytes), [&res](void* p) { device_free(res, p); });
  const auto zero_row = unit_rows_first_zero(dx.data, dx.ld, dx.rows, dx.cols,
                                             static_cast<float*>(data.get()), ctx.stream);
  EM_EXPECTS(zero_row == ~0ull || zeros == detail::zero_row_policy::keep, name, " row ", zero_row,
             " is all zeros: the cosine metric needs non-zero rows (drop them or use euclidean)");
  detail::prepared_rows out;
  out.frame.geometry = detail::row_geometry::cosine;
  out.frame.zeros = zeros;
  out.view =
      matrix_view(static_cast<const float*>(data.get()), x.rows, x.cols, 0, memory_space::device);
  out.storage = std::move(data);
  return out;
}

class row_prep final : public detail::row_prep_ops {
 public:
  detail::prepared_rows prepare_covering(const resources& res, matrix_view x,
                                         detail::row_geometry geometry,
                                         detail::zero_row_policy zeros, const char* name,
                                         matrix_view also_cover) const override {
    if (geometry == detail::row_geometry::cosine) return prepare_unit_rows(res, x, zeros, name);
    std::optional<detail::row_frame> frame = fit_row_frame(res, x, also_cover);
    if (!frame) {
      // Not finite (device rows) or empty: the staging check names the row.
      const call_scope call(res);
      (void)on_device(x, call.ctx().stream, name);
      EM_EXPECTS(x.rows * x.cols == 0, "the rows ", name,
                 " must cover have a non-finite value: remove or replace NaN/Inf rows first");
      return {x, detail::row_frame{}, nullptr};
    }
    return prepare_in(res, x, *frame, name);
  }

  detail::prepared_rows prepare_in(const resources& res, matrix_view y,
                                   const detail::row_frame& frame,
                                   const char* name) const override {
    if (frame.geometry == detail::row_geometry::cosine)
      return prepare_unit_rows(res, y, frame.zeros, name);
    auto rows = std::make_shared<prepared_device_rows>(res, y, frame);
    const matrix_view view = rows->view();
    return {view, frame, std::move(rows)};
  }

  std::vector<std::int64_t> labels_on_host(const resources& res, label_view labels,
                                           const char* name) const override {
    const call_scope call(res);
    check_pointer(labels.data, labels.space, name);
    if (labels.space == memory_space::host) return {labels.data, labels.data + labels.size};
    return to_host(labels.data, static_cast<std::size_t>(labels.size), call.ctx().stream);
  }

  host_matrix matrix_on_host(const resources& res, matrix_view x, const char* name) const override {
    const call_scope call(res);
    check_pointer(x.data, x.space, name);
    return to_host_rows(x, call.ctx().stream);
  }
};

}  // namespace

const detail::row_prep_ops& row_prep_operations() {
  static const row_prep ops;
  return ops;
}

}  // namespace embed_metrics::gpu
