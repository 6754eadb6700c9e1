#pragma once
/// @file npy_f16.hpp
/// @brief A .npy writer for float16 matrices (half the size of the float32
/// files the library's save_npy writes), for the bundled trajectories.

#include <string>

#include <torch/torch.h>

namespace ssl_trainer {

/// @brief Write the 2-D @p matrix as a little-endian float16 .npy (version
/// 1.0, C order), rounding to nearest; writes a temporary file and renames it.
/// @throws std::runtime_error when the file cannot be written.
void save_npy_f16(const std::string& path, const torch::Tensor& matrix);

}  // namespace ssl_trainer
