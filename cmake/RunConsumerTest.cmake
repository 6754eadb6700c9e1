# Installs the library into WORK_DIR/prefix, then configures, builds and runs
# the consumer project in CONSUMER_DIR against it with
# find_package(embed_metrics).
#
# With STATIC=ON the library is first built static from SOURCE_DIR (CPU only,
# no tests or tool) in WORK_DIR/library, so that the package's
# find_dependency calls are what makes the consumer link; else the build in
# BUILD_DIR is installed as it is.
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
if(STATIC)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/library -G ${GENERATOR}
      -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DEMBED_METRICS_CUDA=OFF
      -DEMBED_METRICS_BUILD_TESTS=OFF -DEMBED_METRICS_BUILD_BENCH=OFF
      -DEMBED_METRICS_BUILD_TOOL=OFF -DEMBED_METRICS_BUILD_EXAMPLES=OFF)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/library -j2)
  set(BUILD_DIR ${WORK_DIR}/library)
endif()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
