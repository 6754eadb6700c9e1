#include "losses.hpp"

namespace ssl_trainer {
namespace F = torch::nn::functional;

torch::Tensor nt_xent(const torch::Tensor& z1, const torch::Tensor& z2, double temperature) {
  const std::int64_t b = z1.size(0);
  const auto z = F::normalize(torch::cat({z1, z2}, 0), F::NormalizeFuncOptions().dim(1));
  auto logits = torch::mm(z, z.t()) / temperature;
  // A projection is never its own positive: remove the diagonal.
  const auto on = torch::TensorOptions().device(z.device());
  logits = logits.masked_fill(torch::eye(2 * b, on.dtype(torch::kBool)), -1e9);
  const auto idx = torch::arange(b, on.dtype(torch::kLong));
  const auto targets = torch::cat({idx + b, idx}, 0);
  return F::cross_entropy(logits, targets);
}

torch::Tensor simsiam_loss(const torch::Tensor& p1, const torch::Tensor& p2, const torch::Tensor& z1,
                           const torch::Tensor& z2) {
  const auto opts = F::CosineSimilarityFuncOptions().dim(1);
  return -(F::cosine_similarity(p1, z2.detach(), opts).mean() +
           F::cosine_similarity(p2, z1.detach(), opts).mean()) /
         2.0;
}

}  // namespace ssl_trainer
