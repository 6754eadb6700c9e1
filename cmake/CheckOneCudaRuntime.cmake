# One CUDA runtime per process: the library and every binary that links it
# need the same shared libcudart (a static copy in the library would give the
# process two runtimes, each with its own error state and stream handles).
#   cmake -DREADELF=... -DLIBRARY=... "-DBINARIES=a;b" -P CheckOneCudaRuntime.cmake
function(cudart_of file out)
  execute_process(COMMAND ${READELF} -d ${file} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "readelf -d ${file} failed")
  endif()
  string(REGEX MATCHALL "libcudart[^]]*" found "${dyn}")
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

cudart_of(${LIBRARY} lib_rt)
if(NOT lib_rt)
  message(FATAL_ERROR "${LIBRARY} does not link the shared CUDA runtime (libcudart.so); "
                      "link CUDA::cudart, not CUDA::cudart_static")
endif()
foreach(bin IN LISTS BINARIES)
  if(NOT EXISTS ${bin})
    continue()
  endif()
  cudart_of(${bin} bin_rt)
  if(bin_rt AND NOT bin_rt STREQUAL lib_rt)
    message(FATAL_ERROR "${bin} links ${bin_rt} but the library links ${lib_rt}")
  endif()
  message(STATUS "${bin}: ${bin_rt} (library: ${lib_rt})")
endforeach()
