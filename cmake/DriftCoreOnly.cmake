# Dependencies and flags of a DRIFT_CORE_ONLY build: the core library's own dependencies (yaml-cpp,
# nlohmann-json, threads; GoogleTest for its tests) and, optionally, sanitizers and libFuzzer.
# LAMMPS, LibTorch, Kokkos and MPI are not looked for: they are prebuilt without sanitizers, and
# the code that needs them is tested by the full build.
include(${CMAKE_CURRENT_LIST_DIR}/DriftCoreDependencies.cmake)

if(DRIFT_BUILD_FUZZERS AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "lammps-drift: DRIFT_BUILD_FUZZERS needs clang (libFuzzer): "
                      "-DCMAKE_CXX_COMPILER=clang++-14 (apt-get install clang-14 libclang-rt-14-dev)")
endif()
if(DRIFT_SANITIZE)
  # Every finding is fatal: a sanitizer report fails the test that triggered it.
  add_compile_options(-fsanitize=${DRIFT_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${DRIFT_SANITIZE})
endif()
if(DRIFT_BUILD_FUZZERS)
  # Coverage counters in everything; the fuzzer executables alone link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
message(STATUS "lammps-drift: core-only build (sanitizers: '${DRIFT_SANITIZE}', fuzzers: ${DRIFT_BUILD_FUZZERS})")
