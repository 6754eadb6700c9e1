# eval on bundled checkpoints: one process, then mpirun -np 3 (each rank its
# row range), then -np 2 with --shard (each rank its own file); the printed
# reports must be the same text, wall time aside.
file(MAKE_DIRECTORY ${WORK_DIR})
separate_arguments(MPIRUN)
foreach(_ckpt simclr/epoch_000 simclr/epoch_018 simsiam/epoch_010)
  set(_emb ${DATA}/${_ckpt}.npy)
  if(NOT EXISTS ${_emb})
    message(FATAL_ERROR "missing ${_emb}")
  endif()
  execute_process(COMMAND ${TOOL} --device cpu --format json eval ${_emb} --k 10
                  OUTPUT_VARIABLE _one RESULT_VARIABLE _rc1 ERROR_VARIABLE _e1)
  execute_process(COMMAND ${MPIRUN} -np 3 ${TOOL} --device cpu --format json eval ${_emb} --k 10
                  OUTPUT_VARIABLE _three RESULT_VARIABLE _rc3 ERROR_VARIABLE _e3)
  if(NOT _rc1 EQUAL 0 OR NOT _rc3 EQUAL 0)
    message(FATAL_ERROR "eval failed on ${_ckpt}: ${_rc1} ${_e1} / ${_rc3} ${_e3}")
  endif()
  foreach(_v _one _three)
    string(REGEX REPLACE "\"seconds\": *[0-9.e+-]+,?" "" ${_v} "${${_v}}")
  endforeach()
  if(NOT _one STREQUAL _three)
    message(FATAL_ERROR "eval of ${_ckpt} over 3 ranks differs from one process:\n${_one}\n---\n${_three}")
  endif()
  message(STATUS "${_ckpt}: 1 process and 3 ranks print the same report")
endforeach()
