# The given binaries have no link-time dependency (DT_NEEDED) on the CUDA
# runtime, the driver or a CUDA math library; only libembed_metrics_cuda.so,
# loaded on first use, may have one.
#   cmake -DREADELF=... "-DBINARIES=a;b" -P CheckNoCudaLink.cmake
foreach(bin IN LISTS BINARIES)
  if(NOT bin)
    continue()
  endif()
  execute_process(COMMAND ${READELF} -d ${bin} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "readelf -d ${bin} failed")
  endif()
  string(REGEX MATCHALL "Shared library: \\[[^]]*\\]" needed "${dyn}")
  if(NOT needed)
    message(FATAL_ERROR "readelf -d ${bin} lists no shared library: the check cannot see its dependencies")
  endif()
  string(REGEX MATCHALL "lib(cudart|cublas|cublasLt|cuda|cusolver|nccl|embed_metrics_cuda)[.][^]]*" cuda "${dyn}")
  if(cuda)
    message(FATAL_ERROR "${bin} links ${cuda}; the CUDA backend must stay in the module "
                        "libembed_metrics_cuda.so, loaded on first use (src/backend/cuda_module.cpp)")
  endif()
  message(STATUS "${bin}: ${needed}")
endforeach()
