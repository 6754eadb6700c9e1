#pragma once
/// @file model.hpp
/// @brief The networks: a small convolutional encoder for 8x8 images (its
/// output is the representation that is evaluated), an MLP projection head,
/// and the SimSiam predictor.

#include <cstdint>

#include <torch/torch.h>

namespace ssl_trainer {

/// @brief conv(1->c) -> conv(c->2c) -> max-pool to 4x4 -> conv(2c->2c) ->
/// global average pool -> linear to @p embed_dim; batch norm and ReLU after
/// each convolution.
class encoder_impl : public torch::nn::Module {
 public:
  /// @brief An encoder with @p channels in its first layer.
  encoder_impl(std::int64_t channels, std::int64_t embed_dim);
  /// @brief [B, 1, 8, 8] images to [B, embed_dim] representations.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE_IMPL(encoder, encoder_impl);

/// @brief Linear -> batch norm -> ReLU -> linear (-> batch norm without
/// affine parameters when @p final_norm, as SimSiam's projector).
[[nodiscard]] torch::nn::Sequential make_mlp(std::int64_t in, std::int64_t hidden, std::int64_t out,
                                             bool final_norm);

}  // namespace ssl_trainer
