#!/usr/bin/env bash
# fix drift/boltzmann/kk in a KOKKOS LAMMPS (issue 16, "One Kokkos"). Builds LAMMPS from Debian's
# source tree (.cache/lammps-src, tools/setup.sh) with the KOKKOS package on Debian's Kokkos
# (Trilinos' Kokkos 3.4.1, Serial backend) as LAMMPS' external Kokkos, plus MOLECULE and PLUGIN,
# shared libraries; builds driftplugin.so against it (-DDRIFT_PLUGIN_ONLY=ON; the host's KOKKOS
# package turns the /kk styles on) and runs examples/in.sample (27 ethanol replicas, 4 batches):
#   plain     the plugin's fix drift/boltzmann, LAMMPS without -k
#   kk        -k on t 1 -sf kk: fix drift/boltzmann/kk (atomKK's views), Kokkos initialised by LAMMPS
#   kk-plain  -k on t 1 -sf kk with 'suffix off' for the fix: the plain fix under KOKKOS (LAMMPS syncs
#             every per-atom array to the host before it and marks them all modified after it)
#   kk-np2    kk on 2 MPI ranks
# and compares their samples with lmp_drift's (Debian's LAMMPS) when --reference gives one:
# coordinates byte for byte, energies to 1e-8 (relative; they are written with 10 digits). Not part of CI (the LAMMPS build takes
# tens of minutes on 2 cores; the times are in <work>/timings.txt and README).
# Debian's KokkosConfig.cmake names include/ (its headers are in include/trilinos) and no
# KokkosConfigVersion the way LAMMPS asks: a two-file shim in <work>/kokkos-shim fixes both.
# Options: --work <dir> (default /tmp/lammps-drift-kokkos), --jobs N (default nproc),
#          --reference <lmp_drift> (default build/plugin/lmp_drift if present).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=/tmp/lammps-drift-kokkos JOBS="$(nproc)" REFERENCE=""
[ -x "$ROOT/build/plugin/lmp_drift" ] && REFERENCE="$ROOT/build/plugin/lmp_drift"
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --reference) REFERENCE="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "check-kokkos-lammps: unknown argument '$1' (--help)" >&2; exit 2 ;;
  esac
done
SRC="${LAMMPS_DRIFT_CACHE:-$ROOT/.cache}/lammps-src"
[ -f "$SRC/src/lammps.h" ] || { echo "check-kokkos-lammps: no LAMMPS source in $SRC: run tools/setup.sh" >&2; exit 1; }
KOKKOS_CONFIG=""
for d in /usr/lib/*/cmake/Kokkos /usr/lib/cmake/Kokkos; do [ -f "$d/KokkosConfig.cmake" ] && KOKKOS_CONFIG="$d"; done
[ -n "$KOKKOS_CONFIG" ] || { echo "check-kokkos-lammps: Debian's Kokkos not found: apt-get install libtrilinos-kokkos-dev" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$WORK"
TIMES="$WORK/timings.txt"
: > "$TIMES"
log() { printf '[check-kokkos-lammps] %s\n' "$*" | tee -a "$TIMES"; }
fail() { log "FAIL: $*"; exit 1; }
step() {
  local name="$1" out="$2"; shift 2
  local t0; t0=$(date +%s)
  if ! nice -n 10 "$@" > "$out" 2>&1; then tail -30 "$out" >&2; fail "$name (log: $out)"; fi
  log "$name: $(( $(date +%s) - t0 )) s"
}

# ---- Debian's Kokkos as LAMMPS' external Kokkos ----
SHIM="$WORK/kokkos-shim"
mkdir -p "$SHIM"
cat > "$SHIM/KokkosConfig.cmake" <<EOF
# Debian's Trilinos Kokkos with its real include folder (its Kokkos::kokkos names <prefix>/include).
include("$KOKKOS_CONFIG/KokkosConfig.cmake")
set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "\${Kokkos_INCLUDE_DIRS}")
EOF
cat > "$SHIM/KokkosConfigVersion.cmake" <<EOF
include("$KOKKOS_CONFIG/KokkosConfigVersion.cmake")
EOF

# ---- LAMMPS (Debian's source) with KOKKOS, MOLECULE, PLUGIN ----
LBUILD="$WORK/lammps-build" LPREFIX="$WORK/lammps-install"
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -x "$LPREFIX/bin/lmp" ]; then
  step "configure LAMMPS (KOKKOS on Debian's Kokkos)" "$WORK/lammps-configure.log" cmake -S "$SRC/cmake" -B "$LBUILD" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=on -DPKG_KOKKOS=on -DEXTERNAL_KOKKOS=on -DKokkos_DIR="$SHIM" \
    -DPKG_MOLECULE=on -DPKG_PLUGIN=on -DBUILD_MPI=on -DBUILD_OMP=off -DLAMMPS_SIZES=smallbig \
    -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=off -DCMAKE_INSTALL_PREFIX="$LPREFIX" "${LAUNCHER[@]}"
  step "build LAMMPS" "$WORK/lammps-build.log" cmake --build "$LBUILD" -j "$JOBS"
  step "install LAMMPS" "$WORK/lammps-install.log" cmake --install "$LBUILD"
fi
LMP="$LPREFIX/bin/lmp"
# Debian's liblammps.so.0 has the same soname: this LAMMPS's library first (lmp_drift, linked with
# Debian's, runs with the caller's library path).
ORIG_LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"
LIBDIR="$(dirname "$(find "$LPREFIX" -name 'liblammps.so*' | head -1)")"
export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
"$LMP" -h > "$WORK/lmp-help.txt"
grep -q KOKKOS "$WORK/lmp-help.txt" && grep -q PLUGIN "$WORK/lmp-help.txt" || fail "$LMP lacks KOKKOS or PLUGIN"
ldd "$LIBDIR/liblammps.so" | grep kokkoscore | tee -a "$TIMES"

# ---- lammps-drift, plugin only, KOKKOS styles from the host ----
PBUILD="$WORK/drift-plugin" PPREFIX="$WORK/drift-install"
step "configure lammps-drift (DRIFT_PLUGIN_ONLY, KOKKOS host)" "$WORK/drift-configure.log" cmake -S "$ROOT" -B "$PBUILD" \
  -DCMAKE_BUILD_TYPE=Release -DDRIFT_PLUGIN_ONLY=ON -DLAMMPS_SOURCE_DIR="$SRC" \
  -DLAMMPS_DIR="$(dirname "$(find "$LPREFIX" -name LAMMPSConfig.cmake | head -1)")" -DDRIFT_LAMMPS_EXECUTABLE="$LMP" \
  -DKokkos_DIR="$KOKKOS_CONFIG" -DCMAKE_INSTALL_PREFIX="$PPREFIX"
grep "lammps-drift:" "$WORK/drift-configure.log" | tee -a "$TIMES"
grep -q "KOKKOS styles ON" "$WORK/drift-configure.log" || fail "the KOKKOS host did not turn the /kk styles on"
step "build driftplugin.so (with /kk)" "$WORK/drift-build.log" cmake --build "$PBUILD" -j "$JOBS"
step "install lammps-drift" "$WORK/drift-install.log" cmake --install "$PBUILD"
PLUGIN="$(find "$PPREFIX" -name driftplugin.so | head -1)"
# One Kokkos: the styles link the very library LAMMPS does (the loader links none).
ldd "$(dirname "$PLUGIN")/libdriftstyles.so" | grep kokkoscore | tee -a "$TIMES"

# ---- the runs ----
RUN="$WORK/run"
rm -rf "$RUN" && mkdir -p "$RUN"
printf 'plugin load %s\nplugin list\ninclude %s\ninfo fixes out log\n' "$PLUGIN" "$ROOT/examples/in.sample" > "$RUN/in.plugin"
# kk-plain: KOKKOS needs /kk atom, pair, bond ... styles ('-sf kk'), so 'suffix off' keeps the fix plain
sed 's|^fix  *sample |suffix off\n&|' "$ROOT/examples/in.sample" > "$RUN/in.sample-plain-fix"
grep -q "^suffix off" "$RUN/in.sample-plain-fix" || fail "no 'fix sample' line in examples/in.sample"
printf 'plugin load %s\nplugin list\ninclude %s\ninfo fixes out log\n' "$PLUGIN" "$RUN/in.sample-plain-fix" > "$RUN/in.plugin-plain-fix"
args=(-var dir "$ROOT/examples/ethanol" -var nx 3 -var batches 4 -var ksd 27 -screen none)
run() {  # <label> <input> <launcher and flags...>
  local label="$1" input="$2"; shift 2
  local t0; t0=$(date +%s)
  ( cd "$RUN" && "$@" -in "$input" "${args[@]}" -var out "$label" -log "$label.log" ) || fail "$label (log: $RUN/$label.log)"
  log "$label: $(( $(date +%s) - t0 )) s, $(grep -c '^9$' "$RUN/$label.xyz") samples, fix $(grep -o 'style = drift/boltzmann[a-z/]*' "$RUN/$label.log" | head -1 | sed 's/style = //')"
}
run plain in.plugin "$LMP"
run kk in.plugin "$LMP" -k on t 1 -sf kk
run kk-plain in.plugin-plain-fix "$LMP" -k on t 1 -sf kk
run kk-np2 in.plugin mpirun -np 2 --oversubscribe "$LMP" -k on t 1 -sf kk
grep -q "style = drift/boltzmann/kk, " "$RUN/kk.log" || fail "-sf kk did not create fix drift/boltzmann/kk"
grep -q "style = drift/boltzmann, " "$RUN/kk-plain.log" || fail "with 'suffix off' the fix is not the plain one"
if [ -n "$REFERENCE" ] && [ -x "$REFERENCE" ]; then
  ( cd "$RUN" && LD_LIBRARY_PATH="$ORIG_LD_LIBRARY_PATH" "$REFERENCE" -in "$ROOT/examples/in.sample" -var dir "$ROOT/examples/ethanol" -var nx 3 -var batches 4 \
      -var ksd 27 -screen none -var out reference -log reference.log ) || fail "reference lmp_drift run"
  labels=(reference plain kk kk-plain kk-np2)
else
  labels=(plain kk kk-plain kk-np2)
fi
python3 - "$RUN" "${labels[@]}" <<'PY' | tee -a "$TIMES" || fail "the runs' samples differ"
import re, sys
run, labels = sys.argv[1], sys.argv[2:]
def frames(label):
    lines = open(f"{run}/{label}.xyz").read().split("\n"); out = []; i = 0
    while i < len(lines) and lines[i].strip():
        n = int(lines[i]); head = lines[i + 1]
        e = float(re.search(r"lammps_energy=(\S+)", head).group(1))
        out.append((e, "\n".join(lines[i + 2:i + 2 + n]))); i += n + 2
    return out
base = frames(labels[0]); ok = True
for label in labels[1:]:
    other = frames(label)
    same_x = len(other) == len(base) and all(a[1] == b[1] for a, b in zip(base, other))
    de = max(abs(a[0] - b[0]) for a, b in zip(base, other)) if len(other) == len(base) else float("inf")
    rel = max(abs(a[0] - b[0]) / max(1.0, abs(a[0])) for a, b in zip(base, other)) if len(other) == len(base) else 1
    ok &= same_x and rel <= 1e-8  # energies are written with 10 significant digits
    print(f"{label} vs {labels[0]}: {len(other)} samples, coordinates {'identical' if same_x else 'DIFFERENT'}, "
          f"max |dE| {de:.3g} kcal/mol")
sys.exit(0 if ok else 1)
PY
for label in plain kk kk-plain; do
  grep -A 6 "^ *Step" "$RUN/$label.log" | head -6 | sed "s/^/$label: /" >> "$TIMES"
done
log "all checks passed (timings and results: $TIMES)"
