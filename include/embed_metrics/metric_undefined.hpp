#pragma once
/// @file metric_undefined.hpp
/// @brief The error of a metric that has no value for valid input (one
/// cluster, a degenerate spectrum, all rows equal): a report catches it and
/// writes null with the message as the reason, so one checkpoint where a
/// metric does not exist never fails the others.

#include "embed_metrics/export.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {

/// @brief The input is well formed but the metric is not defined for it; the
/// message says why. Derives from invalid_argument, so callers that catch
/// that keep working.
class EMBED_METRICS_API metric_undefined : public invalid_argument {
 public:
  using invalid_argument::invalid_argument;
};

}  // namespace embed_metrics
