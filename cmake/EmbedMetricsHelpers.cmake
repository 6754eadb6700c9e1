# Small helpers shared by the project's CMake files.

# Use ccache for C++ and CUDA when it is installed.
function(em_enable_ccache)
  find_program(EM_CCACHE ccache)
  if(EM_CCACHE)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${EM_CCACHE} PARENT_SCOPE)
    set(CMAKE_CUDA_COMPILER_LAUNCHER ${EM_CCACHE} PARENT_SCOPE)
  endif()
endfunction()

# Decide whether the CUDA backend is built (EMBED_METRICS_CUDA = AUTO|ON|OFF)
# and enable the language. Sets OUT_VAR in the caller to ON or OFF.
macro(em_resolve_cuda OUT_VAR)
  set(${OUT_VAR} OFF)
  if(NOT EMBED_METRICS_CUDA STREQUAL "OFF")
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
      if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
        set(CMAKE_CUDA_ARCHITECTURES 90)   # H100 / H200
      endif()
      # One CUDA runtime per process: the shared cudart for every target.
      set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
      set(CMAKE_CUDA_STANDARD 17)
      set(CMAKE_CUDA_STANDARD_REQUIRED ON)
      enable_language(CUDA)
      find_package(CUDAToolkit REQUIRED)
      set(${OUT_VAR} ON)
    elseif(EMBED_METRICS_CUDA STREQUAL "ON")
      message(FATAL_ERROR "EMBED_METRICS_CUDA=ON but no CUDA compiler was found (set CMAKE_CUDA_COMPILER or put nvcc on PATH)")
    endif()
  endif()
  message(STATUS "embed_metrics: CUDA backend ${${OUT_VAR}}")
endmacro()

# Warnings for the project's own code; errors when EMBED_METRICS_WERROR.
function(em_project_warnings target)
  set(_cxx -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  set(_cuda -Xcompiler=-Wall,-Wextra)
  if(EMBED_METRICS_WERROR)
    list(APPEND _cxx -Werror)
    list(APPEND _cuda -Werror=all-warnings -Xcompiler=-Werror)
  endif()
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${_cxx}>
    $<$<COMPILE_LANGUAGE:CUDA>:${_cuda}>)
endfunction()

# AddressSanitizer + UndefinedBehaviorSanitizer when EMBED_METRICS_SANITIZE.
function(em_sanitize target)
  if(EMBED_METRICS_SANITIZE)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all>)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
