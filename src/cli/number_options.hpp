#pragma once
// Strict checks of the tool's numeric and device options. CLI11's own range
// checks print bounds of hundreds of digits and accept "1e30" for an integer
// in some versions; these say the valid range in words, and a bad value is a
// usage error (exit 2) before anything runs.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace embed_metrics::cli {

/// The largest --threads accepted at all: 1024, or the machine's count where
/// that is more. Between the machine's count and this, the count is capped
/// with a note (common_options::make_resources).
[[nodiscard]] int most_threads_option();

/// A whole number (decimal digits, an optional leading '-') in [lo, hi].
[[nodiscard]] CLI::Validator whole_number(std::int64_t lo, std::int64_t hi);
/// A whole number in [0, 2^64 - 1] (for --seed).
[[nodiscard]] CLI::Validator unsigned_number();
/// A finite number > 0.
[[nodiscard]] CLI::Validator positive_number();
/// cpu, auto, cuda or cuda:N.
[[nodiscard]] CLI::Validator device_name();
/// ROWSxCOLS, both whole numbers >= 1 (for --shape).
[[nodiscard]] CLI::Validator shape_text();
/// @p s as ROWSxCOLS (or RxC, R,C), both whole numbers >= 1; false when it is not.
[[nodiscard]] bool parse_shape(const std::string& s, std::int64_t& rows, std::int64_t& cols);

}  // namespace embed_metrics::cli
