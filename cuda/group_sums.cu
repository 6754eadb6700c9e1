#include "cuda/group_sums.cuh"

#include "cuda/core/check.cuh"

namespace embed_metrics::gpu {
namespace {

__global__ void group_means_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                   std::int64_t groups, const std::int64_t* __restrict__ start,
                                   const std::int64_t* __restrict__ order, double* __restrict__ means) {
  const std::int64_t count = groups * d;
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t g = t / d;
    const std::int64_t j = t - g * d;
    double s = 0.0;
    for (std::int64_t p = start[g]; p < start[g + 1]; ++p) s += static_cast<double>(x[order[p] * ldx + j]);
    means[t] = s / static_cast<double>(start[g + 1] - start[g]);
  }
}

}  // namespace

group_order order_by_group(const std::vector<std::int64_t>& dense, std::int64_t groups) {
  group_order g;
  g.start.assign(static_cast<std::size_t>(groups + 1), 0);
  for (const std::int64_t v : dense) ++g.start[static_cast<std::size_t>(v + 1)];
  for (std::int64_t i = 0; i < groups; ++i) g.start[static_cast<std::size_t>(i + 1)] += g.start[static_cast<std::size_t>(i)];
  std::vector<std::int64_t> next(g.start.begin(), g.start.end() - 1);
  g.order.resize(dense.size());
  for (std::size_t i = 0; i < dense.size(); ++i)
    g.order[static_cast<std::size_t>(next[static_cast<std::size_t>(dense[i])]++)] = static_cast<std::int64_t>(i);
  return g;
}

void group_means(const float* x, std::int64_t ldx, std::int64_t d, const group_order& g,
                 device_buffer<double>& means, cudaStream_t stream) {
  const auto groups = static_cast<std::int64_t>(g.start.size()) - 1;
  const device_buffer<std::int64_t> start = to_device(g.start, stream, "group offsets");
  const device_buffer<std::int64_t> order = to_device(g.order, stream, "rows in group order");
  means = device_buffer<double>(static_cast<std::size_t>(groups * d), stream, "group means");
  const std::int64_t count = groups * d;
  const int blocks = static_cast<int>(std::min<std::int64_t>((count + 255) / 256, 4096));
  EM_CUDA_LAUNCH(group_means_kernel<<<blocks, 256, 0, stream>>>(x, ldx, d, groups, start.data(),
                                                                order.data(), means.data()));
  // start and order are freed stream-ordered, after the kernel.
}

}  // namespace embed_metrics::gpu
