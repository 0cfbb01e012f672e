# drift-compare from the command line: a good run writes report.md, metrics.json and plots;
# a bad input exits non-zero, names the file and leaves an existing report untouched.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(DATA "${SRC}/examples/ethanol/ethanol.data")

# Two tiny ensembles written as extxyz from the data file's template (jittered by hand).
file(STRINGS "${DATA}" atom_lines REGEX "^[1-9] 1 [1-5] +-?[0-9]+\\.[0-9]+ ")
set(species C C O H H H H H H)
foreach(name a b)
  set(text "")
  foreach(frame RANGE 1 4)
    string(APPEND text "9\nProperties=species:S:1:pos:R:3 energy=${frame}.5\n")
    set(i 0)
    foreach(line IN LISTS atom_lines)
      string(REGEX REPLACE " +" ";" f "${line}")
      list(GET f 4 x)
      list(GET f 5 y)
      list(GET f 6 z)
      list(GET species ${i} s)
      if(name STREQUAL "b")
        set(z "${z}1")
      endif()
      string(APPEND text "${s} ${x} ${y} ${z}\n")
      math(EXPR i "${i} + 1")
    endforeach()
  endforeach()
  file(WRITE "${WORK}/${name}.xyz" "${text}")
endforeach()

execute_process(COMMAND "${TOOL}" -d "${DATA}" "${WORK}/a.xyz" "${WORK}/b.xyz" -l jittered -o "${WORK}/out"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "drift-compare failed (${rc}): ${err}")
endif()
foreach(f report.md metrics.json hr.png energy.png bonds.png)
  if(NOT EXISTS "${WORK}/out/${f}")
    message(FATAL_ERROR "drift-compare did not write ${f}")
  endif()
endforeach()
if(NOT out MATCHES "\\| jittered \\| 4 \\|")
  message(FATAL_ERROR "metrics table lacks the sample row:\n${out}")
endif()
file(READ "${WORK}/out/metrics.json" json)
string(JSON w1 GET "${json}" comparisons 0 energy w1)
if(NOT w1 EQUAL 0)
  message(FATAL_ERROR "energy W1 of identical energy lists should be 0, got ${w1}")
endif()
# Torsions: the label-free methyl torsion pools the three H (docs/metrics.md), the labelled one names H6;
# both have their JSON entries and one plot with both panels.
string(JSON lf GET "${json}" comparisons 0 torsions 0 label_free atoms)
string(JSON lb GET "${json}" comparisons 0 torsions 0 labelled atoms)
string(JSON pooled GET "${json}" comparisons 0 torsions 0 label_free pooled_dihedrals)
string(JSON sym GET "${json}" comparisons 0 torsions 0 label_free rotor_symmetry)
if(NOT lf STREQUAL "O3-C1-C2-H[6,7,8]" OR NOT lb STREQUAL "O3-C1-C2-H6" OR NOT pooled EQUAL 3 OR NOT sym EQUAL 3)
  message(FATAL_ERROR "torsion entries of metrics.json: label-free '${lf}' (${pooled} dihedrals, symmetry ${sym}), labelled '${lb}'")
endif()
string(JSON lfmax GET "${json}" comparisons 0 torsion_jsd_label_free_max)
if(NOT EXISTS "${WORK}/out/torsion_O3_C1_C2_H6.png" OR NOT out MATCHES "torsion JSD label-free")
  message(FATAL_ERROR "no torsion plot or no label-free column:\n${out}")
endif()

# Energies missing from a file are computed by LAMMPS with --forcefield.
file(READ "${WORK}/a.xyz" a)
string(REGEX REPLACE " energy=[0-9.]+" "" a_noe "${a}")
file(WRITE "${WORK}/a_noe.xyz" "${a_noe}")
execute_process(COMMAND "${TOOL}" -q -d "${DATA}" "${WORK}/a_noe.xyz" "${WORK}/a_noe.xyz" -o "${WORK}/ff" --no-plots
                        --forcefield "${SRC}/examples/ethanol/forcefield.lmp"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "drift-compare --forcefield failed (${rc}): ${err}")
endif()
file(READ "${WORK}/ff/metrics.json" json)
string(JSON e GET "${json}" comparisons 0 energy mean)
# The data file's template geometry is near the OPLS-AA minimum: 0.83 kcal/mol.
if(e LESS 0.5 OR e GREATER 1.2)
  message(FATAL_ERROR "LAMMPS energy of the template should be about 0.83 kcal/mol, got ${e}")
endif()

# A check limit that is exceeded gives exit code 3.
execute_process(COMMAND "${TOOL}" -q -d "${DATA}" "${WORK}/a.xyz" "${WORK}/b.xyz" -o "${WORK}/chk" --no-plots --max bond_mae=0
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 3 OR NOT err MATCHES "bond_mae = .* > 0  EXCEEDED")
  message(FATAL_ERROR "--max did not fail as expected (${rc}): ${err}")
endif()

# The label-free torsion limit works like the others (the jittered set changes no torsion: JSD 0 passes).
execute_process(COMMAND "${TOOL}" -q -d "${DATA}" "${WORK}/a.xyz" "${WORK}/b.xyz" -o "${WORK}/chk" --no-plots
                        --max torsion_jsd_label_free=0.5 --max well_z_label_free=100
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "torsion_jsd_label_free = .* <= 0.5  ok")
  message(FATAL_ERROR "--max torsion_jsd_label_free failed (${rc}): ${err}")
endif()

# Bad input: a truncated file. The error names file and frame; the old report survives.
file(READ "${WORK}/out/report.md" report_before)
file(READ "${WORK}/b.xyz" b)
string(SUBSTRING "${b}" 0 300 b_cut)
file(WRITE "${WORK}/cut.xyz" "${b_cut}")
execute_process(COMMAND "${TOOL}" -d "${DATA}" "${WORK}/a.xyz" "${WORK}/cut.xyz" -o "${WORK}/out"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "drift-compare accepted a truncated file")
endif()
if(NOT err MATCHES "cut.xyz:[0-9]+ \\(frame [0-9]+\\): truncated frame")
  message(FATAL_ERROR "error message does not name file, line and frame: ${err}")
endif()
file(READ "${WORK}/out/report.md" report_after)
if(NOT report_before STREQUAL report_after)
  message(FATAL_ERROR "a failed run changed the previous report")
endif()
message(STATUS "drift-compare CLI checks passed")
