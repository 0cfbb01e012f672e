# drift-torsion-acf from the command line on a short 800 K MD trajectory of 27 ethanol copies (examples/in.md
# through lmp_drift): every observable kind is reported with a standard error, the energy from c_pe,
# the label-free methyl observable pools the three H with n = 3, and a bad input exits non-zero.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(EX "${SRC}/examples")
# At 800 K even the labelled methyl rotor (its H trading places) decorrelates within the 40000 steps.
execute_process(COMMAND "${LMP}" -in "${EX}/in.md" -var dir "${EX}/ethanol" -var data ethanol.data -var nx 3 -var T 800
                        -var melt 1000 -var equil 1000 -var nframes 2000 -var every 20 -var out md -log none -screen none
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "MD for the autocorrelation test failed (${rc}): ${err}")
endif()
execute_process(COMMAND "${TOOL}" -d "${EX}/ethanol/ethanol.data" "${WORK}/md.dump" --steps-per-frame 20 --json "${WORK}/acf.json"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "drift-torsion-acf failed (${rc}): ${err}")
endif()
file(READ "${WORK}/acf.json" json)
string(JSON n LENGTH "${json}" observables)
if(NOT n EQUAL 9)  # energy + 2 torsions x (label-free cos, sin; labelled cos, sin)
  message(FATAL_ERROR "expected 9 observables, got ${n}:\n${out}")
endif()
string(JSON name GET "${json}" observables 0 name)
string(JSON kind GET "${json}" observables 1 kind)
string(JSON methyl GET "${json}" observables 1 name)
if(NOT name STREQUAL "potential energy" OR NOT kind STREQUAL "label-free" OR NOT methyl STREQUAL "cos(3*phi) O3-C1-C2-H[6,7,8]")
  message(FATAL_ERROR "observables: '${name}', '${methyl}' (${kind})")
endif()
foreach(k RANGE 0 8)
  string(JSON tau GET "${json}" observables ${k} tau_steps)
  string(JSON se GET "${json}" observables ${k} standard_error_steps)
  string(JSON groups GET "${json}" observables ${k} jackknife_groups)
  # tau can be below one frame (sin(3*phi) only librates inside a staggered well), so only positivity is
  # asserted here; the jackknife over 27 molecules gives a positive error.
  if(tau STREQUAL "null" OR NOT tau GREATER 0 OR NOT se GREATER 0 OR NOT groups EQUAL 27)
    message(FATAL_ERROR "observable ${k}: tau ${tau}, standard error ${se}, groups ${groups}")
  endif()
endforeach()
# The labelled methyl hydrogen needs hops that carry it to another well; the label-free cos(3*phi) forgets
# with every hop of any of the three, so it is several times faster (here ~200 against ~2500 steps).
# Fails if the label-free observable is computed on the labelled atom with n = 1 (no pooling).
string(JSON tau_free GET "${json}" observables 1 tau_steps)
string(JSON se_free GET "${json}" observables 1 standard_error_steps)
string(JSON tau_lab GET "${json}" observables 3 tau_steps)
string(JSON se_lab GET "${json}" observables 3 standard_error_steps)
if(NOT tau_lab GREATER tau_free)
  message(FATAL_ERROR "labelled methyl tau ${tau_lab} +- ${se_lab} not above label-free ${tau_free} +- ${se_free}")
endif()
# CMake compares floats as numbers; the gap must exceed 3 combined standard errors.
execute_process(COMMAND awk "BEGIN{d=${tau_lab}-${tau_free}; s=sqrt(${se_lab}^2+${se_free}^2); exit !(d > 3*s)}" RESULT_VARIABLE gap)
if(NOT gap EQUAL 0)
  message(FATAL_ERROR "labelled methyl tau ${tau_lab} +- ${se_lab} not 3 errors above label-free ${tau_free} +- ${se_free}")
endif()
string(JSON slow GET "${json}" slowest labelled tau_steps)
if(NOT out MATCHES "slowest label-free observable: " OR NOT slow GREATER 0)
  message(FATAL_ERROR "no slowest observables:\n${out}")
endif()
execute_process(COMMAND "${TOOL}" -d "${EX}/ethanol/ethanol.data" "${EX}/ethanol/ethanol.data" --steps-per-frame 10
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "drift-torsion-acf: error: .*ethanol.data")
  message(FATAL_ERROR "a data file read as a trajectory was not refused with its name (${rc}): ${err}")
endif()
message(STATUS "drift-torsion-acf CLI checks passed")
