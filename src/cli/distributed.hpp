#pragma once
// `mpirun -np N embed-metrics eval FILE`: each rank reads its own row range
// of FILE (a .npy, memory-mapped: no rank reads the rows of another), or its
// own file with --shard (FILE's "{rank}" replaced by the rank), the report
// is computed over the ranks (embed_metrics/distributed.hpp), and rank 0
// prints it.

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/report_options.hpp"
#include "embed_metrics/report.hpp"

namespace embed_metrics::cli {

struct distributed_options {
  bool shard = false;
};

/// Adds --shard to @p sub.
std::shared_ptr<distributed_options> add_distributed_options(CLI::App& sub);

struct distributed_report {
  report_result result;
  bool with_labels = false;
  bool prints = false;  ///< true on rank 0 only
};

/// The report over the ranks of the MPI job this process was started in,
/// or nothing when it runs alone (no mpirun, or one rank without --shard).
/// @p checkpoint picks the --views file of a track (one per checkpoint);
/// each rank takes the same row range of it and of --groups as of @p path.
std::optional<distributed_report> evaluate_distributed(const distributed_options& dist,
                                                       const common_options& common,
                                                       const report_options& opts,
                                                       const std::string& path,
                                                       std::size_t checkpoint = 0);

}  // namespace embed_metrics::cli
