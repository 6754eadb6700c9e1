#pragma once
/// @file device_report.hpp
/// @brief Where the trainer runs and how it hands its embeddings to the
/// library: on a GPU, as a device view of the tensor, ordered on torch's
/// current CUDA stream (the only file that needs the CUDA build of torch).

#include <string>
#include <vector>

#include <torch/torch.h>

#include "embed_metrics/report.hpp"
#include "embed_metrics/resources.hpp"

namespace ssl_trainer {

/// @brief The torch device for --device: "cpu", "cuda", "cuda:N", or "auto"
/// (the first GPU when torch::cuda::is_available(), else the CPU).
/// @throws std::invalid_argument for a CUDA device this torch cannot use.
[[nodiscard]] torch::Device training_device(const std::string& name);

/// @brief The embed_metrics device string for --report-device: "train" means
/// the training device (the CPU when the library has no CUDA backend).
[[nodiscard]] std::string report_device(const std::string& option, const torch::Device& train);

/// @brief embed_metrics::evaluate of @p emb ([n, d] float32, contiguous).
/// With CUDA resources and a CUDA tensor, the library reads the tensor and
/// @p labels_on_device in place, on torch's current stream of that device;
/// otherwise a host copy of @p emb is evaluated with @p labels.
[[nodiscard]] embed_metrics::report_result evaluate_tensor(
    embed_metrics::resources& res, const torch::Tensor& emb, const std::vector<std::int64_t>& labels,
    const torch::Tensor& labels_on_device, const embed_metrics::report_params& params);

/// @brief The figures of @p got that differ from @p want (the CPU report) by
/// more than the CUDA tests' tolerances, one line each; empty when all agree.
[[nodiscard]] std::vector<std::string> report_differences(const embed_metrics::report_result& got,
                                                          const embed_metrics::report_result& want);

}  // namespace ssl_trainer
