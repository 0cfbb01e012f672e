# The macro every dependency check uses, and the core library's own dependencies (yaml-cpp,
# nlohmann-json; GoogleTest for the tests): included by both the full and the core-only build.
macro(drift_require found what debian_package)
  if(NOT ${found})
    message(FATAL_ERROR
      "lammps-drift: ${what} not found.\n"
      "  Install the Debian package: apt-get install ${debian_package}\n"
      "  (or run tools/setup.sh, which installs everything lammps-drift needs).")
  endif()
endmacro()

find_package(yaml-cpp CONFIG QUIET)
drift_require(yaml-cpp_FOUND "yaml-cpp" "libyaml-cpp-dev")
find_package(nlohmann_json CONFIG QUIET)
drift_require(nlohmann_json_FOUND "nlohmann-json" "nlohmann-json3-dev")
if(DRIFT_BUILD_TESTS)
  find_package(GTest CONFIG QUIET)
  drift_require(GTest_FOUND "GoogleTest" "libgtest-dev libgmock-dev")
endif()

