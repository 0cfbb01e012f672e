# The LAMMPS lammps-drift's styles are built for: the source tree whose headers they compile
# against, the LAMMPS they run in (an installed LAMMPS CMake package and/or its executable), its
# version, integer sizes and packages. Included by DriftDependencies.cmake (the full build: the
# Debian path by default) and by a DRIFT_PLUGIN_ONLY build (any LAMMPS since 29 Sep 2021).
#
# In (cache):
#   LAMMPS_SOURCE_DIR        the LAMMPS source tree (its top folder or its src/), same version as the host
#   LAMMPS_DIR               an installed LAMMPS (find_package(LAMMPS): LAMMPSConfig.cmake's folder)
#   DRIFT_LAMMPS_EXECUTABLE  the host's lmp: its -h output says its version, sizes and packages
#                            (default: lmp of the installed LAMMPS or on PATH, if of the tree's version; NONE: none)
#   LAMMPS_SIZES             smallbig or bigbig, as the host was built (default: the host's, else smallbig)
#   DRIFT_LAMMPS_KOKKOS      AUTO, ON or OFF: fix drift/boltzmann/kk for a host with the KOKKOS package
# Out:
#   DRIFT_LAMMPS_SRC                 <tree>/src
#   DRIFT_LAMMPS_VERSION             "29 Sep 2021"
#   LAMMPS_VERSION_NUMBER            20210929 (also a compile definition of the styles)
#   DRIFT_LAMMPS_SIZES               smallbig or bigbig
#   DRIFT_LAMMPS_KOKKOS_ENABLED      ON or OFF
#   DRIFT_LAMMPS_HOST_PACKAGES       the host's packages when its executable is known
#   LAMMPS_FOUND and LAMMPS::lammps  an installed LAMMPS of the tree's version (required by the full build)
#   DRIFT_LAMMPS_LMP                 an lmp executable (required by the full build)
#   DRIFT_LAMMPS_HOST                that lmp when it has the tree's version (then its sizes and packages are known)

set(DRIFT_LAMMPS_OLDEST 20210929)

# "29 Sep 2021" -> 20210929 (LAMMPS' own get_lammps_version, and LAMMPSConfigVersion.cmake's number)
function(drift_lammps_version_number text out)
  set(months x Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
  if(NOT text MATCHES "^([0-9]+) ([A-Za-z]+) ([0-9][0-9][0-9][0-9])$")
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  set(day ${CMAKE_MATCH_1})
  set(year ${CMAKE_MATCH_3})
  list(FIND months "${CMAKE_MATCH_2}" month)
  if(month LESS 1)
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  math(EXPR number "${year} * 10000 + ${month} * 100 + ${day}")
  set(${out} ${number} PARENT_SCOPE)
endfunction()

# ---- the source tree ------------------------------------------------------------------------------
set(LAMMPS_SOURCE_DIR "${PROJECT_SOURCE_DIR}/.cache/lammps-src" CACHE PATH
    "LAMMPS source tree (top folder or src/) of the same version as the LAMMPS the styles run in")
if(EXISTS "${LAMMPS_SOURCE_DIR}/src/lammps.h")
  set(DRIFT_LAMMPS_SRC "${LAMMPS_SOURCE_DIR}/src")
elseif(EXISTS "${LAMMPS_SOURCE_DIR}/lammps.h")
  set(DRIFT_LAMMPS_SRC "${LAMMPS_SOURCE_DIR}")
else()
  message(FATAL_ERROR
    "lammps-drift: no LAMMPS source tree in LAMMPS_SOURCE_DIR=${LAMMPS_SOURCE_DIR} (no src/lammps.h).\n"
    "  Debian's LAMMPS: run tools/setup.sh (it adds a deb-src entry and runs 'apt-get source lammps').\n"
    "  Your own LAMMPS: pass -DLAMMPS_SOURCE_DIR=<the source tree it was built from> (README: 'Your own LAMMPS').")
endif()
file(STRINGS "${DRIFT_LAMMPS_SRC}/version.h" _drift_version_line REGEX "#define LAMMPS_VERSION ")
string(REGEX REPLACE ".*\"(.*)\".*" "\\1" DRIFT_LAMMPS_VERSION "${_drift_version_line}")
drift_lammps_version_number("${DRIFT_LAMMPS_VERSION}" LAMMPS_VERSION_NUMBER)
if(NOT LAMMPS_VERSION_NUMBER)
  message(FATAL_ERROR "lammps-drift: cannot read the version of ${DRIFT_LAMMPS_SRC}/version.h "
                      "('${_drift_version_line}'): is LAMMPS_SOURCE_DIR a LAMMPS source tree?")
endif()
if(LAMMPS_VERSION_NUMBER LESS DRIFT_LAMMPS_OLDEST)
  message(FATAL_ERROR "lammps-drift: LAMMPS ${DRIFT_LAMMPS_VERSION} (${LAMMPS_SOURCE_DIR}) is older than 29 Sep 2021, "
                      "the oldest LAMMPS lammps-drift supports: use LAMMPS 29 Sep 2021 or later.")
endif()
foreach(_drift_header lammpsplugin.h irregular.h atom_masks.h)
  if(NOT EXISTS "${DRIFT_LAMMPS_SRC}/${_drift_header}")
    message(FATAL_ERROR "lammps-drift: ${DRIFT_LAMMPS_SRC} lacks ${_drift_header}: LAMMPS_SOURCE_DIR must be a whole "
                        "LAMMPS source tree (an installed LAMMPS's include/lammps holds only its public headers).")
  endif()
endforeach()

# ---- the installed LAMMPS (library, lmp) ----------------------------------------------------------
# The full build links it (lmp_drift, tests); a plugin-only build reads its sizes when it has the
# tree's version and otherwise does without it (e.g. Debian's 2021 LAMMPS found beside a newer tree).
find_package(LAMMPS CONFIG QUIET)
set(_drift_installed_ok OFF)
if(LAMMPS_FOUND)
  if(LAMMPS_VERSION MATCHES "^[0-9]+$" AND NOT LAMMPS_VERSION STREQUAL LAMMPS_VERSION_NUMBER)
    if(DRIFT_PLUGIN_ONLY)
      message(STATUS "lammps-drift: ignoring the installed LAMMPS ${LAMMPS_VERSION} in ${LAMMPS_DIR}: the source tree "
                     "is ${LAMMPS_VERSION_NUMBER} (set LAMMPS_DIR to the install of the tree's LAMMPS to check its sizes)")
      set(LAMMPS_FOUND OFF)
    else()
      message(FATAL_ERROR
        "lammps-drift: the installed LAMMPS (${LAMMPS_DIR}) is version ${LAMMPS_VERSION}, the source tree "
        "LAMMPS_SOURCE_DIR=${LAMMPS_SOURCE_DIR} is ${LAMMPS_VERSION_NUMBER} (${DRIFT_LAMMPS_VERSION}). The styles must be "
        "compiled against the sources of the LAMMPS they link: pass -DLAMMPS_DIR=<lib/cmake/LAMMPS of the tree's "
        "install> or -DLAMMPS_SOURCE_DIR=<the tree that LAMMPS was built from>, or build only the plugin "
        "(-DDRIFT_PLUGIN_ONLY=ON).")
    endif()
  else()
    set(_drift_installed_ok ON)
  endif()
endif()

# ---- the host executable ---------------------------------------------------------------------------
set(DRIFT_LAMMPS_EXECUTABLE "" CACHE STRING
    "The LAMMPS executable the styles are for (its -h output: version, integer sizes, packages); default: lmp of the installed LAMMPS or on PATH; NONE: none")
set(_drift_exe "${DRIFT_LAMMPS_EXECUTABLE}")
set(_drift_exe_explicit ON)
if(_drift_exe STREQUAL "NONE")
  # A plugin for a LAMMPS not on this machine: no executable is looked for (LAMMPS_SIZES as given).
  set(_drift_exe "")
elseif(NOT _drift_exe)
  set(_drift_exe_explicit OFF)
  set(_drift_hints)
  if(_drift_installed_ok AND LAMMPS_DIR)
    list(APPEND _drift_hints "${LAMMPS_DIR}/../../../bin" "${LAMMPS_DIR}/../../../../bin")
  endif()
  find_program(DRIFT_LMP NAMES lmp lmp_mpi lmp_serial HINTS ${_drift_hints})
  set(_drift_exe "${DRIFT_LMP}")
endif()
set(DRIFT_LAMMPS_LMP "${_drift_exe}")  # an lmp, of whatever version (the full build requires one)
set(DRIFT_LAMMPS_HOST "")
set(DRIFT_LAMMPS_HOST_PACKAGES "")
set(_drift_host_sizes "")
if(_drift_exe)
  execute_process(COMMAND "${_drift_exe}" -h OUTPUT_VARIABLE _drift_help ERROR_VARIABLE _drift_help_err
                  RESULT_VARIABLE _drift_help_rc TIMEOUT 120)
  string(REGEX MATCH "Simulator - ([0-9]+ [A-Za-z]+ [0-9]+)" _drift_match "${_drift_help}")
  drift_lammps_version_number("${CMAKE_MATCH_1}" _drift_host_number)
  if(NOT _drift_host_number)
    if(_drift_exe_explicit)
      message(FATAL_ERROR "lammps-drift: '${_drift_exe} -h' does not print a LAMMPS version (exit ${_drift_help_rc}): "
                          "DRIFT_LAMMPS_EXECUTABLE must be a LAMMPS executable.\n${_drift_help_err}")
    endif()
  elseif(NOT _drift_host_number STREQUAL LAMMPS_VERSION_NUMBER)
    if(_drift_exe_explicit)
      message(FATAL_ERROR "lammps-drift: DRIFT_LAMMPS_EXECUTABLE=${_drift_exe} is LAMMPS ${_drift_host_number}, the source "
                          "tree ${LAMMPS_SOURCE_DIR} is ${LAMMPS_VERSION_NUMBER}: styles must be compiled against the "
                          "sources of the LAMMPS they run in.")
    endif()
    message(STATUS "lammps-drift: not checking against ${_drift_exe} (LAMMPS ${_drift_host_number}; the source tree is "
                   "${LAMMPS_VERSION_NUMBER}): pass -DDRIFT_LAMMPS_EXECUTABLE=<your lmp> to check sizes and packages")
  else()
    set(DRIFT_LAMMPS_HOST "${_drift_exe}")
    if(_drift_help MATCHES "-DLAMMPS_BIGBIG" OR _drift_help MATCHES "sizeof\\(tagint\\): *64-bit")
      set(_drift_host_sizes bigbig)
    elseif(_drift_help MATCHES "-DLAMMPS_SMALLSMALL" OR _drift_help MATCHES "sizeof\\(bigint\\): *32-bit")
      set(_drift_host_sizes smallsmall)
    elseif(_drift_help MATCHES "-DLAMMPS_SMALLBIG" OR _drift_help MATCHES "sizeof\\(tagint\\): *32-bit")
      set(_drift_host_sizes smallbig)
    endif()
    string(REGEX MATCH "Installed packages:(.*)List of individual style" _drift_match "${_drift_help}")
    string(REGEX MATCHALL "[A-Z][-A-Z0-9_]+" DRIFT_LAMMPS_HOST_PACKAGES "${CMAKE_MATCH_1}")
  endif()
endif()
if(NOT _drift_host_sizes AND _drift_installed_ok)
  get_target_property(_drift_defs LAMMPS::lammps INTERFACE_COMPILE_DEFINITIONS)
  foreach(_drift_size SMALLBIG BIGBIG SMALLSMALL)
    if("LAMMPS_${_drift_size}" IN_LIST _drift_defs OR "-DLAMMPS_${_drift_size}" IN_LIST _drift_defs)
      string(TOLOWER ${_drift_size} _drift_host_sizes)
    endif()
  endforeach()
endif()

if(DRIFT_LAMMPS_HOST)
  set(_drift_host_note "host ${DRIFT_LAMMPS_HOST}")
elseif(_drift_installed_ok)
  set(_drift_host_note "host ${LAMMPS_DIR}")
else()
  set(_drift_host_note "host not checked")
endif()
# ---- integer sizes ---------------------------------------------------------------------------------
set(LAMMPS_SIZES "" CACHE STRING "LAMMPS integer sizes the host was built with: smallbig or bigbig (default: the host's, else smallbig)")
set_property(CACHE LAMMPS_SIZES PROPERTY STRINGS "" smallbig bigbig)
string(TOLOWER "${LAMMPS_SIZES}" DRIFT_LAMMPS_SIZES)
if(DRIFT_LAMMPS_SIZES AND NOT DRIFT_LAMMPS_SIZES MATCHES "^(smallbig|bigbig|smallsmall)$")
  message(FATAL_ERROR "lammps-drift: LAMMPS_SIZES=${LAMMPS_SIZES} is not a LAMMPS size setting: use smallbig (LAMMPS' "
                      "default) or bigbig, as the LAMMPS the styles run in was built.")
endif()
if(_drift_host_sizes)
  if(DRIFT_LAMMPS_SIZES AND NOT DRIFT_LAMMPS_SIZES STREQUAL _drift_host_sizes)
    message(FATAL_ERROR
      "lammps-drift: LAMMPS_SIZES=${DRIFT_LAMMPS_SIZES}, but the LAMMPS the styles are for (${_drift_host_note}) "
      "was built with LAMMPS_SIZES=${_drift_host_sizes}. Styles compiled for other integer sizes read and write "
      "its atom IDs and image flags wrongly: configure with -DLAMMPS_SIZES=${_drift_host_sizes} (or leave it unset), or "
      "build against a LAMMPS configured with -DLAMMPS_SIZES=${DRIFT_LAMMPS_SIZES}.")
  endif()
  set(DRIFT_LAMMPS_SIZES ${_drift_host_sizes})
elseif(NOT DRIFT_LAMMPS_SIZES)
  set(DRIFT_LAMMPS_SIZES smallbig)
  message(STATUS "lammps-drift: LAMMPS_SIZES=smallbig (LAMMPS' default; the host's sizes are unknown here, "
                 "driftplugin.so checks them when it is loaded)")
endif()
if(DRIFT_LAMMPS_SIZES STREQUAL "smallsmall")
  message(FATAL_ERROR "lammps-drift: LAMMPS_SIZES=smallsmall (32-bit step and sample counters) is not supported: "
                      "use a LAMMPS built with LAMMPS_SIZES=smallbig (the default) or bigbig.")
endif()
string(TOUPPER "LAMMPS_${DRIFT_LAMMPS_SIZES}" DRIFT_LAMMPS_SIZES_DEFINE)

# ---- KOKKOS ----------------------------------------------------------------------------------------
set(DRIFT_LAMMPS_KOKKOS AUTO CACHE STRING
    "fix drift/boltzmann/kk (/kk/host, /kk/device) for a LAMMPS with the KOKKOS package: AUTO (when the host lists KOKKOS), ON, OFF")
set_property(CACHE DRIFT_LAMMPS_KOKKOS PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${DRIFT_LAMMPS_KOKKOS}" _drift_kk)
if(_drift_kk STREQUAL "AUTO")
  if("KOKKOS" IN_LIST DRIFT_LAMMPS_HOST_PACKAGES)
    set(DRIFT_LAMMPS_KOKKOS_ENABLED ON)
  else()
    set(DRIFT_LAMMPS_KOKKOS_ENABLED OFF)
  endif()
elseif(_drift_kk STREQUAL "ON" OR _drift_kk STREQUAL "OFF")
  set(DRIFT_LAMMPS_KOKKOS_ENABLED ${_drift_kk})
  if(_drift_kk STREQUAL "ON" AND DRIFT_LAMMPS_HOST AND NOT "KOKKOS" IN_LIST DRIFT_LAMMPS_HOST_PACKAGES)
    message(FATAL_ERROR "lammps-drift: DRIFT_LAMMPS_KOKKOS=ON, but ${DRIFT_LAMMPS_HOST} has no KOKKOS package (a plugin "
                        "with /kk styles needs LAMMPS' KOKKOS symbols to load): use -DDRIFT_LAMMPS_KOKKOS=AUTO or OFF.")
  endif()
else()
  message(FATAL_ERROR "lammps-drift: DRIFT_LAMMPS_KOKKOS=${DRIFT_LAMMPS_KOKKOS}: use AUTO, ON or OFF.")
endif()
if(DRIFT_LAMMPS_KOKKOS_ENABLED AND NOT EXISTS "${DRIFT_LAMMPS_SRC}/KOKKOS/atom_kokkos.h")
  message(FATAL_ERROR "lammps-drift: DRIFT_LAMMPS_KOKKOS is on but ${DRIFT_LAMMPS_SRC}/KOKKOS/atom_kokkos.h is missing.")
endif()
if(NOT DRIFT_LAMMPS_KOKKOS_ENABLED AND "KOKKOS" IN_LIST DRIFT_LAMMPS_HOST_PACKAGES)
  message(WARNING "lammps-drift: ${DRIFT_LAMMPS_HOST} has the KOKKOS package but DRIFT_LAMMPS_KOKKOS=OFF: no /kk styles, "
                  "and under '-k on' the plugin runs only if its Kokkos library is LAMMPS' own (it refuses otherwise).")
endif()

message(STATUS "lammps-drift: LAMMPS ${DRIFT_LAMMPS_VERSION} (${LAMMPS_VERSION_NUMBER}) headers from ${DRIFT_LAMMPS_SRC}, "
               "${DRIFT_LAMMPS_SIZES}, KOKKOS styles ${DRIFT_LAMMPS_KOKKOS_ENABLED}; ${_drift_host_note}")
