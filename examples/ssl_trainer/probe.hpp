#pragma once
/// @file probe.hpp
/// @brief The linear probe: multinomial logistic regression on frozen
/// embeddings, trained on a fixed first part of the rows and scored on the rest.

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace ssl_trainer {

/// @brief How the probe is trained.
struct probe_params {
  std::int64_t train_rows = 1200;  ///< rows [0, train_rows) train, the rest test
  int steps = 300;                 ///< full-batch Adam steps
  double lr = 0.05;                ///< Adam learning rate
  double weight_decay = 1e-4;      ///< L2 penalty on the weights
};

/// @brief Test accuracy of a logistic regression on @p embeddings ([n, d]).
/// Features are standardised with the training rows' mean and standard
/// deviation; the weights start at zero, so the probe draws no random numbers
/// and does not disturb the training's random stream.
[[nodiscard]] double linear_probe_accuracy(const torch::Tensor& embeddings,
                                           const std::vector<std::int64_t>& labels,
                                           const probe_params& params);

}  // namespace ssl_trainer
