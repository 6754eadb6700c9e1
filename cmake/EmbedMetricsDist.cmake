# Scale-out (issue 20): the communicators of the distributed metrics. Each
set(MPI_CXX_SKIP_MPICXX ON)  # the C API only, from C++
# is AUTO by default, built when its library is found and off otherwise; the
# single-process library is the same either way.
set(EMBED_METRICS_MPI AUTO CACHE STRING "Build the MPI communicator: AUTO (when MPI is found), ON, OFF")
set_property(CACHE EMBED_METRICS_MPI PROPERTY STRINGS AUTO ON OFF)
set(EMBED_METRICS_NCCL AUTO CACHE STRING "Build the NCCL communicator: AUTO (when NCCL and CUDA are found), ON, OFF")
set_property(CACHE EMBED_METRICS_NCCL PROPERTY STRINGS AUTO ON OFF)

# The communicator-neutral sources (the NCCL one is part of the CUDA module,
# reached through cuda/core/nccl.hpp; nccl_dispatch.cpp loads it).
set(_em_dist_common
  src/dist/agreement.cpp
  src/dist/cluster_scores.cpp
  src/dist/gram_metrics.cpp
  src/dist/host_staging.cpp
  src/dist/label_free.cpp
  src/dist/kmeans.cpp
  src/dist/nccl_dispatch.cpp
  src/dist/pair_metrics.cpp
  src/dist/report.cpp
  src/dist/ring.cpp
  src/dist/ring_metrics.cpp
  src/dist/row_layout.cpp
  src/dist/single_process_communicator.cpp)
list(TRANSFORM _em_dist_common PREPEND ${PROJECT_SOURCE_DIR}/)
target_sources(embed_metrics_objects PRIVATE ${_em_dist_common})

set(EMBED_METRICS_HAS_MPI OFF)
if(NOT EMBED_METRICS_MPI STREQUAL "OFF")
  if(EMBED_METRICS_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI QUIET COMPONENTS CXX)
  endif()
  if(MPI_CXX_FOUND)
    set(EMBED_METRICS_HAS_MPI ON)
  endif()
endif()
if(EMBED_METRICS_HAS_MPI)
  target_sources(embed_metrics_objects PRIVATE ${PROJECT_SOURCE_DIR}/src/dist/mpi_communicator.cpp)
  target_link_libraries(embed_metrics_objects PUBLIC MPI::MPI_CXX)
  target_link_libraries(embed_metrics PRIVATE MPI::MPI_CXX)
  find_program(EM_MPIEXEC NAMES mpirun mpiexec HINTS ${MPI_CXX_COMPILER_INCLUDE_DIRS}/../bin)
  if(MPIEXEC_EXECUTABLE)
    set(EM_MPIEXEC ${MPIEXEC_EXECUTABLE})
  endif()
else()
  target_sources(embed_metrics_objects PRIVATE ${PROJECT_SOURCE_DIR}/src/dist/no_mpi_communicator.cpp)
endif()

set(EMBED_METRICS_HAS_NCCL OFF)
if(NOT EMBED_METRICS_NCCL STREQUAL "OFF" AND EMBED_METRICS_HAS_CUDA)
  find_path(EM_NCCL_INCLUDE_DIR nccl.h HINTS ${NCCL_ROOT}/include ${CUDAToolkit_INCLUDE_DIRS})
  find_library(EM_NCCL_LIBRARY nccl HINTS ${NCCL_ROOT}/lib ${CUDAToolkit_LIBRARY_DIR})
  if(EM_NCCL_INCLUDE_DIR AND EM_NCCL_LIBRARY)
    set(EMBED_METRICS_HAS_NCCL ON)
  endif()
endif()
if(EMBED_METRICS_NCCL STREQUAL "ON" AND NOT EMBED_METRICS_HAS_NCCL)
  message(FATAL_ERROR "EMBED_METRICS_NCCL=ON but NCCL (nccl.h, libnccl) and the CUDA backend were not "
                      "both found; set NCCL_ROOT to the NCCL installation (e.g. the nvidia-nccl-cu13 "
                      "wheel's nvidia/nccl folder) or use AUTO")
endif()
message(STATUS "embed_metrics communicators: MPI ${EMBED_METRICS_HAS_MPI}, NCCL ${EMBED_METRICS_HAS_NCCL}")
