#!/usr/bin/env bash
# driftplugin.so against a LAMMPS other than Debian's (issue 16, "Any LAMMPS"): builds that LAMMPS
# from its sources with CMake (PLUGIN, MOLECULE, shared libraries; -D LAMMPS_SIZES as asked) and
# installs it, builds lammps-drift with -DDRIFT_PLUGIN_ONLY=ON against that install and its source
# tree, installs it, then checks with that LAMMPS's lmp:
#   1. 'plugin load <prefix>/lib/lammps-drift/driftplugin.so' + examples/in.sample places samples
#      (8 replicas x 3 batches), with the coordinates of lmp_drift's run when --reference gives one;
#   2. LAMMPS_PLUGIN_PATH=<prefix>/lib/lammps-drift loads it at start (LAMMPS since 24 Mar 2022);
#   3. a plugin configured for the other integer sizes: configuring it against this LAMMPS stops
#      with the sizes to use, and a plugin built without knowing the host refuses to load.
# Not part of CI (CI has no network and builds only the Debian path). It needs a LAMMPS source:
#   --lammps-git <git dir> --ref <tag or commit>   e.g. a snapshot of github.com/lammps/lammps
#   --lammps-src <tree>                            an unpacked LAMMPS source tree
# Options: --work <dir> (default /tmp/lammps-drift-any-lammps), --sizes smallbig|bigbig,
# --jobs N (default nproc), --reference <lmp_drift> (default build/plugin/lmp_drift if present).
# Prints each step's time; everything lands in the work folder (timings-<sizes>.txt, logs, samples).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=/tmp/lammps-drift-any-lammps
GIT="" REF="" SRC="" SIZES=smallbig JOBS="$(nproc)" REFERENCE=""
[ -x "$ROOT/build/plugin/lmp_drift" ] && REFERENCE="$ROOT/build/plugin/lmp_drift"
while [ $# -gt 0 ]; do
  case "$1" in
    --lammps-git) GIT="$2"; shift 2 ;;
    --ref) REF="$2"; shift 2 ;;
    --lammps-src) SRC="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --reference) REFERENCE="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "check-any-lammps: unknown argument '$1' (--help)" >&2; exit 2 ;;
  esac
done
case "$SIZES" in smallbig) OTHER=bigbig ;; bigbig) OTHER=smallbig ;;
  *) echo "check-any-lammps: --sizes takes smallbig or bigbig" >&2; exit 2 ;; esac
if [ -z "$SRC" ] && { [ -z "$GIT" ] || [ -z "$REF" ]; }; then
  echo "check-any-lammps: give --lammps-src <tree>, or --lammps-git <git dir> --ref <tag or commit>" >&2; exit 2
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$WORK"
TIMES="$WORK/timings-$SIZES.txt"
: > "$TIMES"
log() { printf '[check-any-lammps] %s\n' "$*" | tee -a "$TIMES"; }
fail() { log "FAIL: $*"; exit 1; }
step() {  # <name> <log> <command...>: runs it niced, logs its time
  local name="$1" out="$2"; shift 2
  local t0; t0=$(date +%s)
  if ! nice -n 10 "$@" > "$out" 2>&1; then tail -30 "$out" >&2; fail "$name (log: $out)"; fi
  log "$name: $(( $(date +%s) - t0 )) s"
}

# ---- the LAMMPS source tree ----
if [ -z "$SRC" ]; then
  SRC="$WORK/lammps-src"
  if [ ! -f "$SRC/src/version.h" ]; then
    rm -rf "$SRC" && mkdir -p "$SRC"
    t0=$(date +%s)
    # What LAMMPS' CMake build and install read; one path at a time, so a snapshot missing some
    # large data blobs (bench/POTENTIALS) still gives a buildable tree.
    for p in cmake src lib python tools doc/lammps.1 doc/msi2lmp.1 potentials unittest LICENSE README bench; do
      git --git-dir="$GIT" archive --format=tar "$REF" "$p" ':(exclude)bench/POTENTIALS' 2>/dev/null | tar -x -C "$SRC" \
        || log "note: $p not (wholly) in $GIT at $REF"
    done
    mkdir -p "$SRC/bench"
    log "source tree $REF from $GIT: $(( $(date +%s) - t0 )) s"
  fi
fi
VERSION="$(sed -n 's/#define LAMMPS_VERSION "\(.*\)"/\1/p' "$SRC/src/version.h")"
log "LAMMPS $VERSION ($SRC), LAMMPS_SIZES=$SIZES, $JOBS jobs"

# ---- LAMMPS with PLUGIN ----
LBUILD="$WORK/lammps-build-$SIZES" LPREFIX="$WORK/lammps-install-$SIZES"
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -x "$LPREFIX/bin/lmp" ]; then
  step "configure LAMMPS" "$WORK/lammps-configure-$SIZES.log" cmake -S "$SRC/cmake" -B "$LBUILD" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=on -DPKG_PLUGIN=on -DPKG_MOLECULE=on -DBUILD_MPI=on -DBUILD_OMP=off \
    -DLAMMPS_SIZES="$SIZES" -DLAMMPS_INSTALL_RPATH=on -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=off \
    -DCMAKE_INSTALL_PREFIX="$LPREFIX" "${LAUNCHER[@]}"
  step "build LAMMPS" "$WORK/lammps-build-$SIZES.log" cmake --build "$LBUILD" -j "$JOBS"
  step "install LAMMPS" "$WORK/lammps-install-$SIZES.log" cmake --install "$LBUILD"
fi
LMP="$LPREFIX/bin/lmp"
# Debian's liblammps.so.0 has the same soname: this LAMMPS's library first (lmp_drift, linked with
# Debian's, runs with the caller's library path).
ORIG_LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"
export LD_LIBRARY_PATH="$LPREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
LAMMPS_DIR="$(dirname "$(find "$LPREFIX" -name LAMMPSConfig.cmake | head -1)")"
"$LMP" -h > "$WORK/lmp-help-$SIZES.txt"
grep -q "PLUGIN" "$WORK/lmp-help-$SIZES.txt" || fail "$LMP has no PLUGIN package"

# ---- lammps-drift, plugin only ----
PBUILD="$WORK/drift-plugin-$SIZES" PPREFIX="$WORK/drift-install-$SIZES"
step "configure lammps-drift (DRIFT_PLUGIN_ONLY)" "$WORK/drift-configure-$SIZES.log" cmake -S "$ROOT" -B "$PBUILD" \
  -DCMAKE_BUILD_TYPE=Release -DDRIFT_PLUGIN_ONLY=ON -DLAMMPS_SOURCE_DIR="$SRC" -DLAMMPS_DIR="$LAMMPS_DIR" \
  -DCMAKE_INSTALL_PREFIX="$PPREFIX"
grep "lammps-drift:" "$WORK/drift-configure-$SIZES.log" | tee -a "$TIMES"
step "build driftplugin.so" "$WORK/drift-build-$SIZES.log" cmake --build "$PBUILD" -j "$JOBS"
step "install lammps-drift" "$WORK/drift-install-$SIZES.log" cmake --install "$PBUILD"
PLUGIN_DIR="$(dirname "$(find "$PPREFIX" -name driftplugin.so | head -1)")"
[ "$(basename "$PLUGIN_DIR")" = lammps-drift ] || fail "driftplugin.so not installed in lib/lammps-drift: $PLUGIN_DIR"
EX="$PPREFIX/share/lammps-drift/examples"

RUN="$WORK/run-$SIZES"
rm -rf "$RUN" && mkdir -p "$RUN"
sample_args=(-var dir "$EX/ethanol" -var nx 2 -var batches 3 -var ksd 8 -screen none)
count_samples() { grep -c '^9$' "$1" || true; }

# 1. plugin load by path
printf 'plugin load %s\nplugin list\ninclude %s\n' "$PLUGIN_DIR/driftplugin.so" "$EX/in.sample" > "$RUN/in.plugin"
t0=$(date +%s)
( cd "$RUN" && "$LMP" -in in.plugin "${sample_args[@]}" -var out plugin -log plugin.log ) || fail "lmp with plugin load (log: $RUN/plugin.log)"
log "lmp + plugin load + in.sample (8 replicas x 3 batches): $(( $(date +%s) - t0 )) s"
[ "$(count_samples "$RUN/plugin.xyz")" = 24 ] || fail "plugin run: expected 24 samples in $RUN/plugin.xyz"
grep -E "Loading plugin|style plugin|drift/boltzmann" "$RUN/plugin.log" | head -5 | tee -a "$TIMES"
grep -A 14 "^ *Step" "$RUN/plugin.log" | head -6 | tee -a "$TIMES"

# 2. LAMMPS_PLUGIN_PATH (LAMMPS since 24 Mar 2022 loads every *plugin.so there at start)
( cd "$RUN" && LAMMPS_PLUGIN_PATH="$PLUGIN_DIR" "$LMP" -in "$EX/in.sample" "${sample_args[@]}" -var out autoload -log autoload.log ) \
  || fail "lmp with LAMMPS_PLUGIN_PATH (log: $RUN/autoload.log)"
cmp -s "$RUN/plugin.xyz" "$RUN/autoload.xyz" || fail "LAMMPS_PLUGIN_PATH run differs from the plugin load run"
log "LAMMPS_PLUGIN_PATH=$PLUGIN_DIR: loaded at start, same samples as plugin load"

# Against lmp_drift (Debian's LAMMPS 29 Sep 2021): the same coordinates; energies from another LAMMPS
if [ -n "$REFERENCE" ] && [ -x "$REFERENCE" ]; then
  ( cd "$RUN" && LD_LIBRARY_PATH="$ORIG_LD_LIBRARY_PATH" "$REFERENCE" -in "$ROOT/examples/in.sample" -var dir "$ROOT/examples/ethanol" -var nx 2 -var batches 3 \
      -var ksd 8 -screen none -var out reference -log reference.log ) || fail "reference lmp_drift run"
  python3 - "$RUN/reference.xyz" "$RUN/plugin.xyz" <<'PY' | tee -a "$TIMES" || fail "samples differ from lmp_drift's"
import re, sys
def frames(path):
    lines = open(path).read().split("\n"); out = []; i = 0
    while i < len(lines) and lines[i].strip():
        n = int(lines[i]); head = lines[i + 1]
        e = float(re.search(r"lammps_energy=(\S+)", head).group(1))
        xyz = [[float(v) for v in l.split()[1:4]] for l in lines[i + 2:i + 2 + n]]
        out.append((e, xyz)); i += n + 2
    return out
a, b = frames(sys.argv[1]), frames(sys.argv[2])
assert len(a) == len(b), (len(a), len(b))
dx = max(abs(p - q) for (_, x), (_, y) in zip(a, b) for r, s in zip(x, y) for p, q in zip(r, s))
de = max(abs(e - f) for (e, _), (f, _) in zip(a, b))
print(f"against lmp_drift (Debian LAMMPS): {len(a)} samples, max |dx| {dx:.3g} A, max |dE| {de:.3g} kcal/mol")
sys.exit(0 if dx <= 1e-9 and de <= 1e-6 else 1)
PY
fi

# 3. the other integer sizes: refused when configuring against this LAMMPS ...
OBUILD="$WORK/drift-plugin-$OTHER-for-$SIZES"
rm -rf "$OBUILD"
if cmake -S "$ROOT" -B "$OBUILD" -DDRIFT_PLUGIN_ONLY=ON -DLAMMPS_SOURCE_DIR="$SRC" -DLAMMPS_DIR="$LAMMPS_DIR" \
     -DLAMMPS_SIZES="$OTHER" > "$WORK/drift-configure-$OTHER-for-$SIZES.log" 2>&1; then
  fail "configuring LAMMPS_SIZES=$OTHER against a $SIZES LAMMPS succeeded"
fi
grep -A3 "LAMMPS_SIZES=$OTHER, but" "$WORK/drift-configure-$OTHER-for-$SIZES.log" | tee -a "$TIMES"
# ... and at load time by a plugin built without a host to check against.
rm -rf "$OBUILD"
step "configure+build a $OTHER plugin without a host" "$WORK/drift-build-$OTHER-for-$SIZES.log" bash -c "
  cmake -S '$ROOT' -B '$OBUILD' -DCMAKE_BUILD_TYPE=Release -DDRIFT_PLUGIN_ONLY=ON -DLAMMPS_SOURCE_DIR='$SRC' \
    -DCMAKE_DISABLE_FIND_PACKAGE_LAMMPS=ON -DDRIFT_LAMMPS_EXECUTABLE=NONE -DLAMMPS_SIZES=$OTHER &&
  cmake --build '$OBUILD' -j $JOBS --target driftplugin"
printf 'plugin load %s\n' "$OBUILD/plugin/driftplugin.so" > "$RUN/in.other"
if ( cd "$RUN" && "$LMP" -in in.other -screen none -log other.log ); then
  grep -q "was built for LAMMPS_SIZES=$OTHER" "$RUN/other.log" || fail "a $OTHER plugin loaded into a $SIZES LAMMPS without an error"
fi
grep -q "was built for LAMMPS_SIZES=$OTHER" "$RUN/other.log" || fail "no sizes error for a $OTHER plugin (log: $RUN/other.log)"
grep "ERROR" "$RUN/other.log" | tee -a "$TIMES"
log "all checks passed (timings and messages: $TIMES)"
