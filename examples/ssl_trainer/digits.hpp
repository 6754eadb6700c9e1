#pragma once
/// @file digits.hpp
/// @brief The scikit-learn digits images (1797 grey 8x8 images, 10 classes),
/// read from the gzip-compressed CSV scikit-learn ships (64 pixel values in
/// 0..16, then the label, one image per line).

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ssl_trainer {

/// @brief Images and their labels.
struct digits {
  torch::Tensor images;              ///< [n, 1, 8, 8] float32, pixels scaled to [0, 1]
  std::vector<std::int64_t> labels;  ///< n labels in 0..9
};

/// @brief Read @p path (digits.csv.gz, or an uncompressed CSV of the same form).
/// @param limit keep only the first @p limit images; 0 keeps all.
/// @throws std::runtime_error naming the file and line on a read or format error.
[[nodiscard]] digits load_digits(const std::string& path, std::int64_t limit = 0);

}  // namespace ssl_trainer
