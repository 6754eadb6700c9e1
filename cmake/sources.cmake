# The source lists of the project, each written once: the root CMakeLists.txt,
# the tests and the Python package use them. Adding a file is one line in the
# list of its folder. Paths are relative to the project root.

# libembed_metrics: file -> matrix (io), the metric drivers (metrics), the
# backend interface and the CPU backend (backend, cpu), the report (report).
set(EM_LIBRARY_SOURCES
  src/core/matrix.cpp
  src/core/memory.cpp
  src/core/resources.cpp
  src/core/row_prep.cpp
  src/core/validate.cpp
  src/io/array_source.cpp
  src/io/dtype.cpp
  src/io/file_kind.cpp
  src/io/load.cpp
  src/io/mapped_file.cpp
  src/io/npy_header.cpp
  src/io/output_file.cpp
  src/io/safetensors_header.cpp
  src/io/save_npy.cpp
  src/io/text_table.cpp
  src/io/zip_archive.cpp
  src/metrics/agreement.cpp
  src/metrics/agreement_scores.cpp
  src/metrics/distance.cpp
  src/metrics/entropy.cpp
  src/metrics/kmeans.cpp
  src/metrics/knn.cpp
  src/metrics/silhouette.cpp
  src/metrics/silhouette_plan.cpp
  src/backend/backend_for.cpp
  src/backend/cuda_module.cpp
  src/cpu/blas.cpp
  src/cpu/contingency.cpp
  src/cpu/cpu_backend.cpp
  src/cpu/distance_tile.cpp
  src/cpu/gram.cpp
  src/cpu/histogram.cpp
  src/cpu/hungarian.cpp
  src/cpu/kmeans_common.cpp
  src/cpu/kmeans_init.cpp
  src/cpu/kmeans_lloyd.cpp
  src/cpu/knn.cpp
  src/cpu/lapack.cpp
  src/cpu/silhouette_exact.cpp
  src/cpu/silhouette_simplified.cpp
  src/report/correlation.cpp
  src/report/covariance_spectrum.cpp
  src/report/report.cpp
)

# libembed_metrics_cuda: the CUDA backend, a module loaded on first use.
set(EM_CUDA_SOURCES
  cuda/agreement.cu
  cuda/cuda_backend.cu
  cuda/distance.cu
  cuda/entropy.cu
  cuda/kmeans.cu
  cuda/kmeans_init.cu
  cuda/kmeans_kernels.cu
  cuda/knn.cu
  cuda/normalize.cu
  cuda/row_prep.cu
  cuda/silhouette.cu
  cuda/silhouette_prep.cu
  cuda/silhouette_simplified.cu
  cuda/core/context.cu
  cuda/core/device_checks.cu
  cuda/core/distance_tile.cu
  cuda/core/device_ops.cpp
  cuda/module_entry.cpp
)

# The embed-metrics tool.
set(EM_TOOL_SOURCES
  src/cli/cmd_agree.cpp
  src/cli/cmd_devices.cpp
  src/cli/cmd_entropy.cpp
  src/cli/cmd_eval.cpp
  src/cli/cmd_info.cpp
  src/cli/cmd_kmeans.cpp
  src/cli/cmd_silhouette.cpp
  src/cli/cmd_track.cpp
  src/cli/command.cpp
  src/cli/failed_allocation.cpp
  src/cli/file_errors.cpp
  src/cli/html_report.cpp
  src/cli/input_options.cpp
  src/cli/main.cpp
  src/cli/memory_needs.cpp
  src/cli/metrics_log.cpp
  src/cli/number_options.cpp
  src/cli/output.cpp
  src/cli/progress.cpp
  src/cli/report_options.cpp
  src/cli/report_output.cpp
  src/cli/svg_cluster_sizes.cpp
  src/cli/svg_plot.cpp
  src/cli/svg_spectrum.cpp
  src/cli/svg_util.cpp
  src/cli/thread_policy.cpp
  src/cli/track_figure.cpp
)
