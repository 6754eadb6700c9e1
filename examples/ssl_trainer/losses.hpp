#pragma once
/// @file losses.hpp
/// @brief The self-supervised losses: SimCLR's NT-Xent and SimSiam's
/// symmetric negative cosine with stop-gradient.

#include <torch/torch.h>

namespace ssl_trainer {

/// @brief NT-Xent (normalised temperature-scaled cross entropy) of SimCLR
/// (Chen et al., 2020): for each of the 2B projections, cross entropy of
/// picking its other view among the 2B - 1 others, cosine similarities
/// divided by @p temperature.
/// @param z1 projections of the first views, [B, D]
/// @param z2 projections of the second views, [B, D], row i pairs with z1's row i
[[nodiscard]] torch::Tensor nt_xent(const torch::Tensor& z1, const torch::Tensor& z2,
                                    double temperature);

/// @brief SimSiam's loss (Chen and He, 2021):
/// -(cos(p1, sg(z2)) + cos(p2, sg(z1))) / 2, averaged over the batch, where sg
/// stops the gradient.
[[nodiscard]] torch::Tensor simsiam_loss(const torch::Tensor& p1, const torch::Tensor& p2,
                                         const torch::Tensor& z1, const torch::Tensor& z2);

}  // namespace ssl_trainer
