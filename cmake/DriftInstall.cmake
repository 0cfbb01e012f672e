# cmake --install <build> [--prefix <prefix>] lays lammps-drift out as README ("Install") says:
#   <prefix>/lib/lammps-drift/driftplugin.so   LAMMPS_PLUGIN_PATH=<prefix>/lib/lammps-drift loads it at start
#                                              (LAMMPS since 24 Mar 2022), or 'plugin load <that path>';
#                             libdriftstyles.so  the styles it opens (not *plugin.so: not loaded on its own)
#   <prefix>/bin/                              lmp_drift and the tools (tools/CMakeLists.txt), full build only
#   <prefix>/share/lammps-drift/potentials/    the shipped generators and their model cards
#   <prefix>/share/lammps-drift/examples/      in.sample and the molecules (in.sample's default model is
#                                              ../potentials/ethanol-fi-dist.pt from there, as in the source tree)
#   <prefix>/share/doc/lammps-drift/           README.md, docs/*.md, doc/*.rst
# (lib is CMAKE_INSTALL_LIBDIR: lib/<multiarch> for the prefix /usr on Debian.) Checked by the test
# install_layout_and_plugin_load (tests/install/install_layout.sh).
set(DRIFT_INSTALL_PLUGINDIR "${CMAKE_INSTALL_LIBDIR}/lammps-drift")
set(DRIFT_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/lammps-drift")
set(DRIFT_INSTALL_DOCDIR "${CMAKE_INSTALL_DATADIR}/doc/lammps-drift")

install(TARGETS driftplugin driftstyles LIBRARY DESTINATION ${DRIFT_INSTALL_PLUGINDIR})
if(TARGET lmp_drift)
  install(TARGETS lmp_drift RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/potentials/ DESTINATION ${DRIFT_INSTALL_DATADIR}/potentials)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${DRIFT_INSTALL_DATADIR}/examples
        PATTERN ".q-*" EXCLUDE PATTERN "*.tmp.*" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${DRIFT_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ ${PROJECT_SOURCE_DIR}/doc/ DESTINATION ${DRIFT_INSTALL_DOCDIR})
