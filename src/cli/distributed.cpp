#include "cli/distributed.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "core/check.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/distributed.hpp"
#include "embed_metrics/error.hpp"
#include "io/dtype.hpp"
#include "io/mapped_file.hpp"
#include "io/npy_header.hpp"

namespace embed_metrics::cli {
namespace {

// Set by the MPI launchers (Open MPI, MPICH / Hydra, Slurm's PMI).
int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return 0;
}

std::string with_rank(std::string path, int rank) {
  const auto at = path.find("{rank}");
  EM_EXPECTS(at != std::string::npos, "--shard: ", path,
             " has no {rank}; name the files as emb_{rank}.npy so that each rank finds its own");
  return path.replace(at, 6, std::to_string(rank));
}

// Rows [first, first + count) of the .npy file @p path, read through the map.
host_matrix npy_rows(const std::string& path, int rank, int size, std::int64_t& first) {
  const io::mapped_file file(path);
  EM_EXPECTS(io::is_npy(file.bytes()), path, ": a distributed eval reads its row range from a .npy "
             "file; convert the file (e.g. numpy.save), or give each rank its own file with --shard");
  const io::npy_header h = io::parse_npy(file.bytes(), path);
  EM_EXPECTS(h.shape.size() == 2 && !h.fortran_order && !h.type.is_integer(), path, ": shape ",
             io::shape_string(h.shape), " in ", h.fortran_order ? "Fortran" : "C",
             " order; a distributed eval reads a 2-D C-order float array");
  const std::int64_t n = h.shape[0];
  const std::int64_t d = h.shape[1];
  first = n * rank / size;
  const std::int64_t count = n * (rank + 1) / size - first;
  host_matrix out(count, d);
  const auto row_bytes = static_cast<std::uint64_t>(d) * static_cast<std::uint64_t>(h.type.size);
  const std::uint64_t offset = h.data_offset + static_cast<std::uint64_t>(first) * row_bytes;
  file.will_read(offset, static_cast<std::uint64_t>(count) * row_bytes);
  const io::byte_span part = file.bytes().sub(offset, static_cast<std::uint64_t>(count) * row_bytes, path, "the rows");
  io::convert_to_float(part.data, h.type, static_cast<std::uint64_t>(count * d), out.data());
  for (std::int64_t e = 0; e < count * d; ++e)
    EM_EXPECTS(std::isfinite(out.data()[e]), path, ": row ", first + e / d,
               " holds NaN or Inf; a distributed eval does not drop rows (remove them first)");
  return out;
}

}  // namespace

std::shared_ptr<distributed_options> add_distributed_options(CLI::App& sub) {
  auto o = std::make_shared<distributed_options>();
  sub.add_flag("--shard", o->shard,
               "Under mpirun: each rank reads its own file, EMB (and --labels) with {rank} replaced by its rank");
  return o;
}

std::optional<distributed_report> evaluate_distributed(const distributed_options& dist,
                                                       const common_options& common,
                                                       const report_options& opts,
                                                       const std::string& path,
                                                       std::size_t checkpoint) {
  if (launched_ranks() <= 1 && !dist.shard) return std::nullopt;
  auto comm = make_mpi_communicator();
  resources res = common.make_resources();
  EM_EXPECTS(!res.is_cuda(), "a distributed eval runs on the CPU; give --device cpu");
  res.set_communicator(comm);
  const int rank = comm->rank();
  host_matrix rows;
  std::vector<std::int64_t> labels;
  host_matrix views;
  std::vector<std::int64_t> groups;
  const std::string* views_path = nullptr;
  if (!opts.views_paths.empty()) {
    EM_EXPECTS(checkpoint < opts.views_paths.size(), "--views gives ", opts.views_paths.size(),
               " files, but checkpoint ", checkpoint + 1, " needs one too: give one --views file per checkpoint");
    views_path = &opts.views_paths[checkpoint];
  }
  // Labels and group ids are 8 bytes a row: each rank reads them and keeps its range.
  auto keep_range = [](std::vector<std::int64_t> all, std::int64_t first, std::int64_t count,
                       const std::string& ids_path, const std::string& rows_path) {
    EM_EXPECTS(static_cast<std::int64_t>(all.size()) >= first + count, ids_path,
               ": fewer entries than rows of ", rows_path);
    return std::vector<std::int64_t>(all.begin() + first, all.begin() + first + count);
  };
  if (dist.shard) {
    const std::string mine = with_rank(path, rank);
    auto emb = opts.input.load(mine);
    EM_EXPECTS(emb.dropped_rows == 0, mine, ": --drop-nonfinite is not distributed; remove those rows first");
    rows = std::move(emb.matrix);
    if (!opts.labels_path.empty()) labels = load_labels_file(with_rank(opts.labels_path, rank), opts.labels_array);
    if (views_path != nullptr) {
      auto v = opts.input.load(with_rank(*views_path, rank));
      EM_EXPECTS(v.dropped_rows == 0, *views_path, ": --drop-nonfinite is not distributed; remove those rows first");
      views = std::move(v.matrix);
    }
    if (!opts.groups_path.empty()) groups = load_labels_file(with_rank(opts.groups_path, rank), "");
  } else {
    std::int64_t first = 0;
    rows = npy_rows(path, rank, comm->size(), first);
    if (!opts.labels_path.empty())
      labels = keep_range(load_labels_file(opts.labels_path, opts.labels_array), first, rows.rows(),
                          opts.labels_path, path);
    if (views_path != nullptr) {
      std::int64_t views_first = 0;
      views = npy_rows(*views_path, rank, comm->size(), views_first);
      EM_EXPECTS(views_first == first, "--views ", *views_path, " has another row count than ", path,
                 "; row i of both must be one image");
    }
    if (!opts.groups_path.empty())
      groups = keep_range(load_labels_file(opts.groups_path, ""), first, rows.rows(), opts.groups_path, path);
  }
  if (views_path != nullptr)
    EM_EXPECTS(views.rows() == rows.rows() && views.cols() == rows.cols(), "--views ", *views_path, ": ",
               views.rows(), "x", views.cols(), " rows on rank ", rank, " for ", rows.rows(), "x", rows.cols(),
               " of ", path, "; row i of both must be one image, so the shapes must match");
  if (!opts.groups_path.empty())
    EM_EXPECTS(static_cast<std::int64_t>(groups.size()) == rows.rows(), "--groups ", opts.groups_path, ": ",
               groups.size(), " ids on rank ", rank, " for its ", rows.rows(), " rows; give one id per row");
  report_params params = opts.params(common);
  params.views = views.view();
  params.groups = label_view(groups);
  distributed_report out;
  out.result = distributed::evaluate(res, rows.view(), label_view(labels), params);
  out.result.device = res.device_string();
  out.with_labels = !opts.labels_path.empty();
  out.prints = rank == 0;
  return out;
}

}  // namespace embed_metrics::cli
