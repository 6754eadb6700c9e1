# Extracts the C++ block that follows the "compiled and run by the test
# readme_example" marker in README, compiles it against the built library
# and runs it, so that the README's example cannot rot.
file(READ ${README} text)
string(FIND "${text}" "compiled and run by the test readme_example" marker)
if(marker EQUAL -1)
  message(FATAL_ERROR "README has no example marker")
endif()
string(SUBSTRING "${text}" ${marker} -1 rest)
string(FIND "${rest}" "```cpp\n" open)
string(SUBSTRING "${rest}" ${open} -1 rest)
string(LENGTH "```cpp\n" skip)
string(SUBSTRING "${rest}" ${skip} -1 rest)
string(FIND "${rest}" "```" close)
string(SUBSTRING "${rest}" 0 ${close} code)
file(WRITE ${WORK_DIR}/readme_example.cpp "${code}")
execute_process(
  COMMAND ${CXX} -std=c++17 -Wall -Wextra -Werror ${WORK_DIR}/readme_example.cpp
          -I${SOURCE_DIR}/include -I${BINARY_DIR}/include ${LIBRARY} -Wl,-rpath,${LIBRARY_DIR}
          -o ${WORK_DIR}/readme_example
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the README example does not compile:\n${out}${err}")
endif()
execute_process(COMMAND ${WORK_DIR}/readme_example RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the README example failed (${rc}):\n${out}${err}")
endif()
message(STATUS "README example: ${out}")
