#!/usr/bin/env bash
# cmake/DriftLammps.cmake against the build's LAMMPS (Debian's on the default path), configure only
# (a few seconds each):
#   1. -DDRIFT_PLUGIN_ONLY=ON configures without GoogleTest, Google Benchmark, CLI11, an installed
#      LAMMPS package or lmp, and generates driftplugin but no lmp_drift or tools;
#   2. the other LAMMPS_SIZES than the host lmp's (Debian's: smallbig) stops, naming the value to use;
#   3. -DDRIFT_LAMMPS_KOKKOS=ON against a host lmp without the KOKKOS package (Debian's) stops;
#   4. a LAMMPS tree older than 29 Sep 2021 stops.
# Mutations that make it fail (each tried): the plugin-only build finding CLI11 as the full build
# does (1); the sizes comparison with the host removed (2); the KOKKOS check removed (3); the
# oldest-version check removed (4).
set -euo pipefail
# Usage: configure_checks.sh <cmake> <source dir> <LAMMPS tree> <work dir> <host lmp> <its sizes> <its packages>
CMAKE="$1" SRC="$2" LAMMPS_SRC="$3" WORK="$4" HOST="$5" HOST_SIZES="$6" HOST_PACKAGES="${7//;/ }"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$HOST" ] || fail "no LAMMPS executable of the tree's version to check against (got '$HOST')"
case "$HOST_SIZES" in smallbig) OTHER=bigbig ;; bigbig) OTHER=smallbig ;; *) fail "host sizes '$HOST_SIZES'" ;; esac
rm -rf "$WORK" && mkdir -p "$WORK"
configure() {  # <name> <cmake args...>: configures in $WORK/<name>, output in $WORK/<name>.log
  local name="$1"; shift
  "$CMAKE" -S "$SRC" -B "$WORK/$name" -DLAMMPS_SOURCE_DIR="$LAMMPS_SRC" "$@" > "$WORK/$name.log" 2>&1
}

# 1
configure plugin-only -DDRIFT_PLUGIN_ONLY=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_LAMMPS=ON -DDRIFT_LAMMPS_EXECUTABLE=NONE \
  || fail "DRIFT_PLUGIN_ONLY did not configure without test, benchmark, CLI11, LAMMPS package and lmp: $(grep -A3 'CMake Error' "$WORK/plugin-only.log")"
targets="$("$CMAKE" --build "$WORK/plugin-only" --target help)"
grep -q "driftplugin" <<<"$targets" || fail "the plugin-only build has no driftplugin target"
! grep -qE "lmp_drift|drift-train|drift_unit_tests" <<<"$targets" || fail "the plugin-only build has targets besides the plugin"

# 2
if configure sizes -DDRIFT_PLUGIN_ONLY=ON -DDRIFT_LAMMPS_EXECUTABLE="$HOST" -DLAMMPS_SIZES=$OTHER; then
  fail "LAMMPS_SIZES=$OTHER against a $HOST_SIZES lmp configured"
fi
tr -s ' \n' ' ' < "$WORK/sizes.log" | grep -q "configure with -DLAMMPS_SIZES=$HOST_SIZES" \
  || fail "no clear sizes error: $(grep -A6 'CMake Error' "$WORK/sizes.log")"

# 3 (a host with KOKKOS has nothing to refuse)
if [[ " $HOST_PACKAGES " != *" KOKKOS "* ]]; then
  if configure kokkos -DDRIFT_PLUGIN_ONLY=ON -DDRIFT_LAMMPS_EXECUTABLE="$HOST" -DDRIFT_LAMMPS_KOKKOS=ON; then
    fail "DRIFT_LAMMPS_KOKKOS=ON against a LAMMPS without KOKKOS configured"
  fi
  tr -s ' \n' ' ' < "$WORK/kokkos.log" | grep -q "has no KOKKOS package" \
    || fail "no clear KOKKOS error: $(grep -A6 'CMake Error' "$WORK/kokkos.log")"
fi

# 4
mkdir -p "$WORK/old-lammps/src"
for h in lammps.h lammpsplugin.h irregular.h atom_masks.h; do : > "$WORK/old-lammps/src/$h"; done
echo '#define LAMMPS_VERSION "30 Jul 2021"' > "$WORK/old-lammps/src/version.h"
if configure old -DDRIFT_PLUGIN_ONLY=ON -DLAMMPS_SOURCE_DIR="$WORK/old-lammps"; then fail "a LAMMPS of 30 Jul 2021 configured"; fi
tr -s ' \n' ' ' < "$WORK/old.log" | grep -q "is older than 29 Sep 2021" \
  || fail "no clear version error: $(grep -A6 'CMake Error' "$WORK/old.log")"
echo "configure checks: OK"
