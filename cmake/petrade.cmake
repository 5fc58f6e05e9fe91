# petrade_test(NAME SOURCES... LIBS libs... [LABELS labels...] [TIMEOUT s])
# One executable and one CTest per test suite, as CAF does.
function(petrade_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    PETRADE_TOOLS_BIN="${PETRADE_TOOLS_BIN}"
    PETRADE_BUILD_DIR="${CMAKE_BINARY_DIR}"
    PETRADE_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()
