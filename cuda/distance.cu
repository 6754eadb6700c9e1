// CUDA backend of pairwise_sqeuclidean: norms, one cuBLAS SGEMM, epilogue.

#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {

namespace {

class distance final : public detail::distance_ops {
 public:
  void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                            mutable_matrix_view out, bool same_rows) const override {
    const call_scope call(res);
    auto& ctx = call.ctx();
    cudaStream_t s = ctx.stream;
    const device_matrix dx = on_device(x, s, "x");
    const device_matrix dy =
        same_rows ? device_matrix{dx.data, dx.rows, dx.cols, dx.ld, {}} : on_device(y, s, "y");
    check_pointer(out.data, out.space, "out");
    device_buffer<float> xn(static_cast<std::size_t>(x.rows), s);
    device_buffer<float> yn(static_cast<std::size_t>(y.rows), s);
    row_sqnorms(dx.data, dx.rows, dx.cols, dx.ld, xn.data(), s);
    row_sqnorms(dy.data, dy.rows, dy.cols, dy.ld, yn.data(), s);

    const bool out_on_device = out.space == memory_space::device;
    device_buffer<float> tmp;
    float* dout = out.data;
    std::int64_t ldo = out.ld();
    if (!out_on_device) {
      tmp = device_buffer<float>(static_cast<std::size_t>(x.rows * y.rows), s,
                                 "the distance matrix before its copy to the host");
      dout = tmp.data();
      ldo = y.rows;
    }
    sqdist_tile(ctx.cublas, dx.data, dx.rows, xn.data(), dx.ld, dy.data, dy.rows, yn.data(), dy.ld,
                dx.cols, dout, ldo, same_rows, 0, 0, s);
    if (!out_on_device && x.rows * y.rows > 0)
      EM_CUDA_TRY(cudaMemcpy2DAsync(out.data, out.ld() * sizeof(float), dout, ldo * sizeof(float),
                                    y.rows * sizeof(float), x.rows, cudaMemcpyDeviceToHost, s));
    EM_CUDA_TRY(cudaStreamSynchronize(s));
  }
};

}  // namespace

const detail::distance_ops& distance_operations() {
  static const distance ops;
  return ops;
}

}  // namespace embed_metrics::gpu
