#include "probe.hpp"

#include <stdexcept>
#include <string>

namespace ssl_trainer {
namespace F = torch::nn::functional;

double linear_probe_accuracy(const torch::Tensor& embeddings, const std::vector<std::int64_t>& labels,
                             const probe_params& params) {
  const std::int64_t n = embeddings.size(0);
  const std::int64_t d = embeddings.size(1);
  const std::int64_t n_train = params.train_rows;
  if (static_cast<std::int64_t>(labels.size()) != n)
    throw std::invalid_argument("probe: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(n) + " embeddings");
  if (n_train < 1 || n_train >= n)
    throw std::invalid_argument("probe: train_rows " + std::to_string(n_train) +
                                " must leave at least one of the " + std::to_string(n) +
                                " rows for testing");

  torch::NoGradGuard outer;
  const auto y = torch::tensor(labels, torch::kLong);
  const std::int64_t classes = y.max().item<std::int64_t>() + 1;
  const auto x = embeddings.to(torch::kFloat64);
  const auto x_train = x.slice(0, 0, n_train);
  const auto mean = x_train.mean(0, true);
  const auto sd = x_train.std(0, /*unbiased=*/false, true).clamp_min(1e-8);
  const auto z_train = ((x_train - mean) / sd).detach();
  const auto z_test = ((x.slice(0, n_train) - mean) / sd).detach();
  const auto y_train = y.slice(0, 0, n_train);
  const auto y_test = y.slice(0, n_train);

  auto w = torch::zeros({d, classes}, torch::kFloat64).requires_grad_(true);
  auto b = torch::zeros({classes}, torch::kFloat64).requires_grad_(true);
  torch::optim::Adam opt({w, b}, torch::optim::AdamOptions(params.lr));
  {
    torch::AutoGradMode grad(true);
    for (int step = 0; step < params.steps; ++step) {
      opt.zero_grad();
      const auto loss = F::cross_entropy(torch::addmm(b, z_train, w), y_train) +
                        0.5 * params.weight_decay * w.pow(2).sum();
      loss.backward();
      opt.step();
    }
  }
  const auto pred = torch::addmm(b, z_test, w).argmax(1);
  return pred.eq(y_test).to(torch::kFloat64).mean().item<double>();
}

}  // namespace ssl_trainer
