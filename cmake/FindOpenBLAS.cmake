# Finds the BLAS of the CPU backend and defines the imported target
# OpenBLAS::OpenBLAS.
#
# EMBED_METRICS_BLAS chooses it:
#   system          (default) the distribution's OpenBLAS and its cblas.h
#                   (Debian: libopenblas-dev), what scripts/setup-deps installs;
#   scipy-openblas  the OpenBLAS of PyPI's scipy-openblas32 wheel: a current
#                   release built with DYNAMIC_ARCH, so it knows more CPU models
#                   than an older distribution OpenBLAS, which falls back to
#                   generic SSE3 kernels on a CPU it does not recognise. Its
#                   symbols carry the prefix scipy_ (cpu/blas.cpp maps them).
#                   Found through EMBED_METRICS_BLAS_PYTHON, a Python in whose
#                   site-packages the wheel is installed (a virtual environment,
#                   e.g. one made by bench/peers-venv). When it is not found
#                   the system OpenBLAS is used, with a warning.
#
# With system, the newer OpenBLAS of that wheel is also looked for (in
# EMBED_METRICS_NEWER_OPENBLAS, else in the virtual environment
# <build>/blas-venv that scripts/setup-deps makes): the library opens it at
# run time only where the system OpenBLAS runs its generic kernels on a CPU
# with AVX2/FMA or AVX-512 (an older OpenBLAS on a CPU model it does not
# know; see src/cpu/blas.cpp), and it is installed beside the library, in
# <libdir>/embed_metrics/. Not found: the system OpenBLAS alone, as before.
set(EMBED_METRICS_BLAS system CACHE STRING "BLAS of the CPU backend: system or scipy-openblas")
set_property(CACHE EMBED_METRICS_BLAS PROPERTY STRINGS system scipy-openblas)
set(EMBED_METRICS_BLAS_PYTHON "" CACHE FILEPATH
    "With EMBED_METRICS_BLAS=scipy-openblas: a Python that can import scipy_openblas32")

set(EMBED_METRICS_NEWER_OPENBLAS "" CACHE FILEPATH
    "With EMBED_METRICS_BLAS=system: libscipy_openblas.so to open where the system OpenBLAS runs generic kernels")

set(_em_blas_done OFF)
if(EMBED_METRICS_BLAS STREQUAL "scipy-openblas")
  set(_em_py "${EMBED_METRICS_BLAS_PYTHON}")
  if(NOT _em_py)
    set(_em_py python3)
  endif()
  execute_process(
    COMMAND "${_em_py}" -c "import os, scipy_openblas32 as s; print(s.get_include_dir()); print(os.path.join(s.get_lib_dir(), s.get_library(True)))"
    OUTPUT_VARIABLE _em_out RESULT_VARIABLE _em_rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_em_rc EQUAL 0)
    string(REPLACE "\n" ";" _em_out "${_em_out}")
    list(GET _em_out 0 _em_inc)
    list(GET _em_out 1 _em_lib)
  endif()
  if(_em_rc EQUAL 0 AND EXISTS "${_em_inc}/cblas.h" AND EXISTS "${_em_lib}")
    set(OpenBLAS_INCLUDE_DIR "${_em_inc}")
    set(OpenBLAS_LIBRARY "${_em_lib}")
    set(_em_blas_done ON)
    message(STATUS "CPU BLAS: scipy-openblas32 (${_em_lib})")
  else()
    message(WARNING "EMBED_METRICS_BLAS=scipy-openblas: '${_em_py}' cannot import scipy_openblas32; "
                    "set EMBED_METRICS_BLAS_PYTHON to a Python that has it (pip install scipy-openblas32 "
                    "in a virtual environment). Using the system OpenBLAS.")
  endif()
elseif(NOT EMBED_METRICS_BLAS STREQUAL "system")
  message(FATAL_ERROR "EMBED_METRICS_BLAS='${EMBED_METRICS_BLAS}': choose system or scipy-openblas")
endif()

set(_em_newer "")
if(NOT _em_blas_done AND EMBED_METRICS_BLAS STREQUAL "system")
  set(_em_newer "${EMBED_METRICS_NEWER_OPENBLAS}")
  set(_em_venv_py "${CMAKE_BINARY_DIR}/blas-venv/bin/python")
  if(NOT _em_newer AND EXISTS "${_em_venv_py}")
    execute_process(
      COMMAND "${_em_venv_py}" -c "import os, scipy_openblas32 as s; print(os.path.join(s.get_lib_dir(), s.get_library(True)))"
      OUTPUT_VARIABLE _em_newer RESULT_VARIABLE _em_rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT _em_rc EQUAL 0)
      set(_em_newer "")
    endif()
  endif()
  if(_em_newer AND EXISTS "${_em_newer}")
    message(STATUS "CPU BLAS: system OpenBLAS; newer OpenBLAS for CPUs it does not know: ${_em_newer}")
  else()
    if(_em_newer)
      message(WARNING "EMBED_METRICS_NEWER_OPENBLAS='${_em_newer}' does not exist; the system OpenBLAS alone is used")
    else()
      message(STATUS "CPU BLAS: system OpenBLAS alone (no ${CMAKE_BINARY_DIR}/blas-venv: scripts/setup-deps makes it), "
                     "generic kernels on a CPU it does not know")
    endif()
    set(_em_newer "")
  endif()
endif()

if(NOT _em_blas_done)
  find_path(OpenBLAS_INCLUDE_DIR cblas.h
    PATH_SUFFIXES openblas-pthread openblas openblas-openmp
    PATHS /usr/include/x86_64-linux-gnu /usr/include/aarch64-linux-gnu /usr/include)
  find_library(OpenBLAS_LIBRARY NAMES openblas
    PATH_SUFFIXES openblas-pthread openblas-openmp)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenBLAS REQUIRED_VARS OpenBLAS_LIBRARY OpenBLAS_INCLUDE_DIR)
if(OpenBLAS_FOUND AND NOT TARGET OpenBLAS::OpenBLAS)
  add_library(OpenBLAS::OpenBLAS UNKNOWN IMPORTED)
  set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
    IMPORTED_LOCATION "${OpenBLAS_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${OpenBLAS_INCLUDE_DIR}")
  # dlopen / dladdr (src/cpu/blas.cpp)
  set_target_properties(OpenBLAS::OpenBLAS PROPERTIES INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
  if(_em_blas_done)
    set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
      INTERFACE_COMPILE_DEFINITIONS EMBED_METRICS_BLAS_SCIPY_PREFIX=1)
  elseif(_em_newer)
    set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
      INTERFACE_COMPILE_DEFINITIONS "EMBED_METRICS_NEWER_OPENBLAS=\"${_em_newer}\"")
    include(GNUInstallDirs)
    install(FILES "${_em_newer}" DESTINATION "${CMAKE_INSTALL_LIBDIR}/embed_metrics"
            RENAME libscipy_openblas.so)
  endif()
endif()
mark_as_advanced(OpenBLAS_INCLUDE_DIR OpenBLAS_LIBRARY)
