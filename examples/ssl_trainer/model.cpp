#include "model.hpp"

namespace ssl_trainer {
namespace nn = torch::nn;

namespace {
void add_conv_block(nn::Sequential& seq, std::int64_t in, std::int64_t out) {
  seq->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
  seq->push_back(nn::BatchNorm2d(out));
  seq->push_back(nn::ReLU());
}
}  // namespace

encoder_impl::encoder_impl(std::int64_t channels, std::int64_t embed_dim) {
  nn::Sequential features;
  add_conv_block(features, 1, channels);
  add_conv_block(features, channels, 2 * channels);
  features->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
  add_conv_block(features, 2 * channels, 2 * channels);
  features->push_back(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  features->push_back(nn::Flatten());
  features_ = register_module("features", features);
  fc_ = register_module("fc", nn::Linear(2 * channels, embed_dim));
}

torch::Tensor encoder_impl::forward(const torch::Tensor& x) { return fc_(features_->forward(x)); }

nn::Sequential make_mlp(std::int64_t in, std::int64_t hidden, std::int64_t out, bool final_norm) {
  nn::Sequential mlp(nn::Linear(nn::LinearOptions(in, hidden).bias(false)), nn::BatchNorm1d(hidden),
                     nn::ReLU(), nn::Linear(hidden, out));
  if (final_norm) mlp->push_back(nn::BatchNorm1d(nn::BatchNorm1dOptions(out).affine(false)));
  return mlp;
}

}  // namespace ssl_trainer
