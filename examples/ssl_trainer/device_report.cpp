#include "device_report.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>

#ifdef SSL_TRAINER_TORCH_CUDA
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace ssl_trainer {

torch::Device training_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      throw std::invalid_argument("--device " + name +
                                  ": this libtorch has no CUDA or sees no GPU; use --device cpu or auto");
    return torch::Device(name == "cuda" ? std::string("cuda:0") : name);
  }
  throw std::invalid_argument("--device must be cpu, cuda, cuda:N or auto, not " + name);
}

std::string report_device(const std::string& option, const torch::Device& train) {
  if (option != "train") return option;
  if (train.is_cuda() && embed_metrics::cuda_compiled())
    return "cuda:" + std::to_string(train.has_index() ? train.index() : 0);
  return "cpu";
}

embed_metrics::report_result evaluate_tensor(embed_metrics::resources& res, const torch::Tensor& emb,
                                             const std::vector<std::int64_t>& labels,
                                             const torch::Tensor& labels_on_device,
                                             const embed_metrics::report_params& params) {
  const std::int64_t n = emb.size(0);
  const std::int64_t d = emb.size(1);
  if (emb.is_cuda() && res.is_cuda()) {
#ifdef SSL_TRAINER_TORCH_CUDA
    // The tensor was written on torch's current stream: order the library's
    // work there (the default stream is the legacy one, named as such so that
    // set_stream does not take nullptr for "the handle's own stream").
    cudaStream_t s = c10::cuda::getCurrentCUDAStream(emb.device().index()).stream();
    res.set_stream(s == nullptr ? cudaStreamLegacy : s);
    const torch::Tensor l = labels_on_device.to(emb.device(), torch::kLong).contiguous();
    return embed_metrics::evaluate(
        res, embed_metrics::matrix_view(emb.data_ptr<float>(), n, d, 0, embed_metrics::memory_space::device),
        embed_metrics::label_view(l.data_ptr<std::int64_t>(), n, embed_metrics::memory_space::device), params);
#else
    (void)labels_on_device;
    throw std::runtime_error("the embeddings are on a GPU but this trainer was built without the CUDA "
                             "headers of torch; reconfigure against a CUDA libtorch");
#endif
  }
  const torch::Tensor host = emb.to(torch::kCPU).contiguous();
  return embed_metrics::evaluate(res, embed_metrics::matrix_view(host.data_ptr<float>(), n, d),
                                 embed_metrics::label_view(labels), params);
}

std::vector<std::string> report_differences(const embed_metrics::report_result& got,
                                            const embed_metrics::report_result& want) {
  std::vector<std::string> out;
  // Tolerances of tests/cuda/test_paths_cuda.cpp (ReportCuda): relative for
  // the entropies and the inertia, absolute for scores in [-1, 1].
  auto check = [&](const char* name, const std::optional<double>& g, const std::optional<double>& w,
                   double tol, bool relative) {
    if (!g && !w) return;
    if (!g || !w) {
      out.push_back(std::string(name) + ": present on one device only");
      return;
    }
    const double allowed = relative ? tol * std::abs(*w) : tol;
    if (std::abs(*g - *w) > allowed) {
      char buf[160];
      std::snprintf(buf, sizeof(buf), "%s: %.9g here, %.9g on the CPU (allowed %.3g)", name, *g, *w, allowed);
      out.emplace_back(buf);
    }
  };
  check("silhouette", got.silhouette, want.silhouette, 1e-5, false);
  check("ami_c1_c2", got.ami_c1_c2, want.ami_c1_c2, 1e-9, false);
  check("ari_c1_c2", got.ari_c1_c2, want.ari_c1_c2, 1e-9, false);
  check("inertia", got.inertia, want.inertia, 1e-5, true);
  check("knn_entropy", got.knn_entropy, want.knn_entropy, 1e-4, true);
  check("gaussian_entropy", got.gaussian_entropy, want.gaussian_entropy, 1e-6, true);
  check("effective_rank", got.effective_rank, want.effective_rank, 1e-6, false);
  check("ami_c1_gt", got.ami_c1_gt, want.ami_c1_gt, 1e-9, false);
  check("knn_accuracy", got.knn_accuracy, want.knn_accuracy, 1e-9, false);
  return out;
}

}  // namespace ssl_trainer
