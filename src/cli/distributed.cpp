#include "cli/distributed.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "core/check.hpp"
#include "dist/row_layout.hpp"
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

// Rows [first, first + count) of the .npy file @p path, read through the map;
// @p total receives the file's row count.
host_matrix npy_rows(const std::string& path, int rank, int size, std::int64_t& first,
                     std::int64_t& total) {
  const io::mapped_file file(path);
  EM_EXPECTS(io::is_npy(file.bytes()), path, ": a distributed eval reads its row range from a .npy "
             "file; convert the file (e.g. numpy.save), or give each rank its own file with --shard");
  const io::npy_header h = io::parse_npy(file.bytes(), path);
  EM_EXPECTS(h.shape.size() == 2 && !h.fortran_order && !h.type.is_integer(), path, ": shape ",
             io::shape_string(h.shape), " in ", h.fortran_order ? "Fortran" : "C",
             " order; a distributed eval reads a 2-D C-order float array");
  const std::int64_t n = h.shape[0];
  const std::int64_t d = h.shape[1];
  total = n;
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

// One rank's rows, labels, second views and group ids, checked.
struct rank_inputs {
  host_matrix rows;
  std::vector<std::int64_t> labels;
  host_matrix views;
  std::vector<std::int64_t> groups;
};

rank_inputs load_rank_inputs(const distributed_options& dist, const report_options& opts,
                             const std::string& path, const std::string* views_path, int rank,
                             int size) {
  rank_inputs in;
  // Labels and group ids are 8 bytes a row: each rank reads them and keeps its range.
  auto keep_range = [](std::vector<std::int64_t> all, std::int64_t first, std::int64_t count,
                       std::int64_t total, const std::string& ids_path,
                       const std::string& rows_path) {
    EM_EXPECTS(static_cast<std::int64_t>(all.size()) == total, ids_path, " holds ", all.size(),
               " entries but ", rows_path, " has ", total, " rows; give one per row");
    return std::vector<std::int64_t>(all.begin() + first, all.begin() + first + count);
  };
  if (dist.shard) {
    const std::string mine = with_rank(path, rank);
    auto emb = opts.input.load(mine);
    EM_EXPECTS(emb.dropped_rows == 0, mine,
               ": --drop-nonfinite is not distributed; remove those rows first");
    in.rows = std::move(emb.matrix);
    if (!opts.labels_path.empty())
      in.labels = load_labels_file(with_rank(opts.labels_path, rank), opts.labels_array);
    if (views_path != nullptr) {
      auto v = opts.input.load(with_rank(*views_path, rank));
      EM_EXPECTS(v.dropped_rows == 0, *views_path,
                 ": --drop-nonfinite is not distributed; remove those rows first");
      in.views = std::move(v.matrix);
    }
    if (!opts.groups_path.empty())
      in.groups = load_labels_file(with_rank(opts.groups_path, rank), "");
  } else {
    std::int64_t first = 0;
    std::int64_t total = 0;
    in.rows = npy_rows(path, rank, size, first, total);
    if (!opts.labels_path.empty())
      in.labels = keep_range(load_labels_file(opts.labels_path, opts.labels_array), first,
                             in.rows.rows(), total, opts.labels_path, path);
    if (views_path != nullptr) {
      std::int64_t views_first = 0;
      std::int64_t views_total = 0;
      in.views = npy_rows(*views_path, rank, size, views_first, views_total);
      EM_EXPECTS(views_total == total, "--views ", *views_path, " has ", views_total, " rows but ",
                 path, " has ", total, "; row i of both must be one image");
    }
    if (!opts.groups_path.empty())
      in.groups = keep_range(load_labels_file(opts.groups_path, ""), first, in.rows.rows(), total,
                             opts.groups_path, path);
  }
  if (views_path != nullptr)
    EM_EXPECTS(in.views.rows() == in.rows.rows() && in.views.cols() == in.rows.cols(), "--views ",
               *views_path, ": ", in.views.rows(), "x", in.views.cols(), " rows on rank ", rank,
               " for ", in.rows.rows(), "x", in.rows.cols(), " of ", path,
               "; row i of both must be one image, so the shapes must match");
  if (!opts.groups_path.empty())
    EM_EXPECTS(static_cast<std::int64_t>(in.groups.size()) == in.rows.rows(), "--groups ",
               opts.groups_path, ": ", in.groups.size(), " ids on rank ", rank, " for its ",
               in.rows.rows(), " rows; give one id per row");
  return in;
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
  const std::string* views_path = nullptr;
  if (!opts.views_paths.empty()) {
    EM_EXPECTS(checkpoint < opts.views_paths.size(), "--views gives ", opts.views_paths.size(),
               " files, but checkpoint ", checkpoint + 1, " needs one too: give one --views file per checkpoint");
    views_path = &opts.views_paths[checkpoint];
  }
  rank_inputs in;
  detail::on_every_rank(*comm, [&] { in = load_rank_inputs(dist, opts, path, views_path, rank, comm->size()); });
  report_params params = opts.params(common);
  params.views = in.views.view();
  params.groups = label_view(in.groups);
  distributed_report out;
  out.result = distributed::evaluate(res, in.rows.view(), label_view(in.labels), params);
  out.result.device = res.device_string();
  out.with_labels = !opts.labels_path.empty();
  out.prints = rank == 0;
  return out;
}

}  // namespace embed_metrics::cli
