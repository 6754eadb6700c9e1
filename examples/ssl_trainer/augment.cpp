#include "augment.hpp"

#include <cmath>

namespace ssl_trainer {
namespace F = torch::nn::functional;

torch::Tensor augment(const torch::Tensor& images, const augment_params& params,
                      c10::optional<at::Generator> generator) {
  const std::int64_t b = images.size(0);
  const double pixel = 2.0 / static_cast<double>(images.size(3));  // one pixel in [-1, 1] units
  // Drawn on the images' device (on the CPU, the same draws as torch::rand({b})).
  const auto opts = images.options();
  auto uniform = [b, opts, &generator](double lo, double hi) {
    return torch::rand({b}, generator, opts) * (hi - lo) + lo;
  };

  const auto angle = uniform(-params.max_rotation_deg, params.max_rotation_deg) * (M_PI / 180.0);
  const auto zoom = uniform(params.min_zoom, params.max_zoom);
  const auto tx = uniform(-params.max_shift, params.max_shift) * pixel;
  const auto ty = uniform(-params.max_shift, params.max_shift) * pixel;
  const auto c = torch::cos(angle) / zoom;
  const auto s = torch::sin(angle) / zoom;
  // theta maps output coordinates to input coordinates: a zoom > 1 samples a
  // smaller window of the input, i.e. a crop scaled back to 8x8.
  const auto theta = torch::stack({torch::stack({c, -s, tx}, 1), torch::stack({s, c, ty}, 1)}, 1);
  const auto grid = F::affine_grid(theta, images.sizes(), /*align_corners=*/false);
  auto view = F::grid_sample(images, grid,
                             F::GridSampleFuncOptions()
                                 .mode(torch::kBilinear)
                                 .padding_mode(torch::kZeros)
                                 .align_corners(false));
  view = view * uniform(params.min_contrast, 1.0).view({b, 1, 1, 1});
  if (params.noise_std > 0)
    view = view + (generator ? torch::randn(view.sizes(), generator, view.options())
                             : torch::randn_like(view)) *
                      params.noise_std;
  return view;
}

}  // namespace ssl_trainer
