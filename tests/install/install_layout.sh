#!/usr/bin/env bash
# cmake --install lays lammps-drift out as README ("Install") and cmake/DriftInstall.cmake say, the
# installed lmp_drift samples with the installed examples and potentials, and the installed
# driftplugin.so loads through LAMMPS' own 'plugin load' (PLUGIN/plugin.cpp of the same LAMMPS
# tree, in tests/install/plugin_host.cpp: Debian's lmp has no PLUGIN package) both by its path and,
# as a bare name, through the library search path (LAMMPS 29 Sep 2021 has no LAMMPS_PLUGIN_PATH;
# tools/check-any-lammps.sh checks that on a newer LAMMPS). Its samples equal lmp_drift's.
#
# Mutations that make it fail (each tried): driftplugin.so installed to lib/ instead of
# lib/lammps-drift, or the potentials not installed (layout check); the plugin not registering
# fix drift/boltzmann (plugin run: "Unrecognized fix style"); an INSTALL_RPATH into the build tree
# on driftplugin.so (RUNPATH check); the loader returning instead of stopping on a missing
# libdriftstyles.so (lonely check).
set -euo pipefail
BUILD="$1" WORK="$2" HOST="$3" LIBDIR="$4"
PREFIX="$WORK/prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK/run"
cmake --install "$BUILD" --prefix "$PREFIX" > "$WORK/install.log"

# Layout
for f in bin/lmp_drift bin/drift-train bin/drift-sample bin/drift-compare bin/drift-frames bin/drift-torsion-acf \
         bin/drift-bias "$LIBDIR/lammps-drift/driftplugin.so" "$LIBDIR/lammps-drift/libdriftstyles.so" share/lammps-drift/potentials/ethanol-fi-dist.pt \
         share/lammps-drift/potentials/ethanol-fi-dist.yaml share/lammps-drift/potentials/README.md \
         share/lammps-drift/examples/in.sample share/lammps-drift/examples/ethanol/ethanol.data \
         share/lammps-drift/examples/ethanol/forcefield.lmp share/doc/lammps-drift/README.md \
         share/doc/lammps-drift/fix_drift_boltzmann.md share/doc/lammps-drift/compute_drift_stein.md \
         share/doc/lammps-drift/fix_drift_boltzmann.rst; do
  [ -f "$PREFIX/$f" ] || fail "cmake --install did not install $f (installed: $(cd "$PREFIX" && find . -type f | sort | head -50 | tr '\n' ' '))"
done
for f in bin/lmp_drift bin/drift-train "$LIBDIR/lammps-drift/driftplugin.so" "$LIBDIR/lammps-drift/libdriftstyles.so"; do
  if readelf -d "$PREFIX/$f" | grep -E 'R(UN)?PATH' | grep -qF "$BUILD"; then
    fail "$f keeps a RUNPATH into the build tree: $(readelf -d "$PREFIX/$f" | grep -E 'R(UN)?PATH')"
  fi
done

EX="$PREFIX/share/lammps-drift/examples"
run_sample() {  # <label> <command...>: 8 ethanol replicas, 2 batches; samples in $WORK/run/<label>.xyz
  local label="$1"; shift
  ( cd "$WORK/run" && "$@" -var dir "$EX/ethanol" -var nx 2 -var batches 2 -var ksd 0 -var out "$label" \
        -log "$label.log" -screen none ) || fail "$label: exit $? (log: $WORK/run/$label.log)"
  [ "$(grep -c '^9$' "$WORK/run/$label.xyz")" = 16 ] || fail "$label: expected 16 samples of 9 atoms in $label.xyz"
}

# The installed lmp_drift with the installed example and its default model (../potentials from there)
run_sample lmp_drift "$PREFIX/bin/lmp_drift" -in "$EX/in.sample"

# The installed plugin, loaded by LAMMPS' loader: by path, then by bare name through LD_LIBRARY_PATH
printf 'plugin load %s\nplugin list\ninclude %s\n' "$PREFIX/$LIBDIR/lammps-drift/driftplugin.so" "$EX/in.sample" > "$WORK/run/in.path"
printf 'plugin load driftplugin.so\ninclude %s\n' "$EX/in.sample" > "$WORK/run/in.name"
run_sample plugin_path "$HOST" -in in.path
LD_LIBRARY_PATH="$PREFIX/$LIBDIR/lammps-drift${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" run_sample plugin_name "$HOST" -in in.name
grep -q "Loading plugin: lammps-drift" "$WORK/run/plugin_path.log" || fail "the plugin log does not show lammps-drift loading"
grep -q "fix style plugin drift/boltzmann" "$WORK/run/plugin_path.log" || fail "plugin list does not show fix drift/boltzmann"
for label in plugin_path plugin_name; do
  cmp -s "$WORK/run/lmp_drift.xyz" "$WORK/run/$label.xyz" || fail "$label.xyz differs from lmp_drift.xyz"
done

# driftplugin.so without libdriftstyles.so beside it: LAMMPS stops with what is missing (not an
# unknown fix style later)
mkdir -p "$WORK/lonely" && cp "$PREFIX/$LIBDIR/lammps-drift/driftplugin.so" "$WORK/lonely/"
printf 'plugin load %s\n' "$WORK/lonely/driftplugin.so" > "$WORK/run/in.lonely"
if ( cd "$WORK/run" && "$HOST" -in in.lonely -log lonely.log -screen none ); then
  fail "loading driftplugin.so without libdriftstyles.so did not stop LAMMPS"
fi
grep -q "cannot open $WORK/lonely/libdriftstyles.so" "$WORK/run/lonely.log" \
  || fail "no clear error for a missing libdriftstyles.so: $(grep ERROR "$WORK/run/lonely.log")"
echo "install layout, installed lmp_drift and plugin load of the installed driftplugin.so: OK"
