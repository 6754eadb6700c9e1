#pragma once
/// @file augment.hpp
/// @brief Random views of 8x8 digit images for self-supervised training: a
/// random affine warp (shift, zoom, which together make a random crop, and a
/// small rotation), a random contrast change and additive Gaussian noise.

#include <torch/torch.h>

namespace ssl_trainer {

/// @brief Strength of the augmentations.
struct augment_params {
  double max_shift = 1.5;         ///< pixels, uniform in [-max_shift, max_shift] on each axis
  double max_rotation_deg = 15;   ///< degrees, uniform in [-max, max]
  double min_zoom = 0.9;          ///< zoom uniform in [min_zoom, max_zoom] (> 1 crops)
  double max_zoom = 1.25;         ///< see min_zoom
  double min_contrast = 0.7;      ///< pixel values multiplied by a factor in [min_contrast, 1]
  double noise_std = 0.1;         ///< standard deviation of the Gaussian noise added
};

/// @brief One random view of each image of @p images ([B, 1, 8, 8]); draws
/// from @p generator, or from the global torch generator when none is given
/// (torch::manual_seed makes it repeatable). A generator of its own keeps
/// extra draws (the saved views) out of the training's stream.
[[nodiscard]] torch::Tensor augment(const torch::Tensor& images, const augment_params& params,
                                    c10::optional<at::Generator> generator = c10::nullopt);

}  // namespace ssl_trainer
