# The sanitizer build (build-asan/, configured by scripts/test): the whole
# tree under ASan + UBSan with clang, plus libFuzzer's coverage hooks so the
# same static libraries also serve the fuzz targets in tests/fuzz/.
option(PETRADE_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer (clang)" OFF)
option(PETRADE_FUZZ "Build the libFuzzer targets in tests/fuzz/ (needs PETRADE_SANITIZE)" OFF)

if(PETRADE_FUZZ AND NOT PETRADE_SANITIZE)
  message(FATAL_ERROR "PETRADE_FUZZ needs PETRADE_SANITIZE=ON: the fuzz targets link the sanitized libraries")
endif()

if(PETRADE_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PETRADE_SANITIZE needs clang (-DCMAKE_CXX_COMPILER=clang++): "
                        "libFuzzer and its coverage hooks are clang's")
  endif()
  # UB aborts instead of printing and carrying on, so a finding fails its test.
  # Line tables are all a report needs and keep the ~90 test binaries (200 MB
  # each with full debug info) small on disk.
  set(petrade_ignorelist ${PROJECT_SOURCE_DIR}/tests/sanitizers/ignorelist.txt)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -fsanitize=fuzzer-no-link -gline-tables-only
                      -fsanitize-ignorelist=${petrade_ignorelist})
  add_link_options(-fsanitize=address,undefined)
  # The ignorelist changes the objects, but ccache 4.7 hashes its content only
  # under the old -fsanitize-blacklist= spelling: without this, an edited
  # ignorelist is served the objects compiled with the previous one. The
  # launcher (CMakeLists.txt) is `cmake -E env CCACHE_BASEDIR=... ccache`.
  if(CCACHE_PROGRAM)
    list(FIND CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}" at)
    list(FIND CMAKE_CXX_COMPILER_LAUNCHER "env" env_at)
    if(at GREATER env_at AND env_at GREATER -1)
      list(INSERT CMAKE_CXX_COMPILER_LAUNCHER ${at} CCACHE_EXTRAFILES=${petrade_ignorelist})
    else()
      message(FATAL_ERROR "cmake/sanitizers.cmake: unexpected ccache launcher "
                          "'${CMAKE_CXX_COMPILER_LAUNCHER}': hand ${petrade_ignorelist} to ccache "
                          "(CCACHE_EXTRAFILES)")
    endif()
    unset(at)
    unset(env_at)
  endif()
endif()

# Every test of the current directory runs with the sanitizer options: a
# report aborts the process (the test fails), with a symbolized stack.
function(petrade_sanitizer_environment)
  if(NOT PETRADE_SANITIZE)
    return()
  endif()
  set(supp ${PROJECT_SOURCE_DIR}/tests/sanitizers)
  find_program(PETRADE_SYMBOLIZER NAMES llvm-symbolizer llvm-symbolizer-14)
  set(env
    "ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=0"
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
    "LSAN_OPTIONS=suppressions=${supp}/lsan.supp:print_suppressions=0")
  if(PETRADE_SYMBOLIZER)
    list(APPEND env "ASAN_SYMBOLIZER_PATH=${PETRADE_SYMBOLIZER}")
  endif()
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t IN LISTS tests)
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT ${env})
  endforeach()
endfunction()
