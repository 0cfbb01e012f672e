#!/usr/bin/env bash
# Fuzzes the five readers with libFuzzer under ASan+UBSan.
#
#   tools/fuzz.sh [--seconds N] [--build DIR] [--work DIR] [--jobs J] [READER ...]
#
# READER: lammps_dump extxyz lammps_data train_config manifest (default: all five). Each runs for
# N seconds (default 60) from a seed corpus of the repository's own files (examples, potentials,
# tests/fuzz/seeds; manifests taken from the shipped model files), after replaying the crash
# regressions in tests/fuzz/regressions/READER. Without --build it configures and builds a
# core-only clang build in build-fuzz/. --jobs J runs J readers at once.
# Prints per reader: seconds, executions, coverage (edges, features), corpus size, crashes; exits 1
# if any reader crashed, with the input kept under WORK/crashes and the command that replays it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_EACH=60
BUILD=""
WORK="$ROOT/build-fuzz/campaign"
JOBS=1
READERS=()
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    lammps_dump|extxyz|lammps_data|train_config|manifest) READERS+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#READERS[@]} -gt 0 ] || READERS=(lammps_dump extxyz lammps_data train_config manifest)
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] && [ "$SECONDS_EACH" -ge 1 ] || { echo "fuzz.sh: --seconds needs a positive integer" >&2; exit 2; }

if [ -z "$BUILD" ]; then
  BUILD="$ROOT/build-fuzz"
  command -v clang++-14 >/dev/null || { echo "fuzz.sh: clang++-14 not found (apt-get install clang-14 libclang-rt-14-dev, or tools/setup.sh)" >&2; exit 1; }
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DDRIFT_CORE_ONLY=ON \
        -DDRIFT_SANITIZE=address,undefined -DDRIFT_BUILD_FUZZERS=ON -DDRIFT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target fuzz_lammps_dump fuzz_extxyz fuzz_lammps_data fuzz_train_config fuzz_manifest
fi

# Seeds: whole lines only, at most 16 KiB of each file (longer inputs only slow the fuzzer down).
seed() {  # seed READER FILE
  local out="$WORK/seeds/$1/$(echo "$2" | tr '/' '_')"
  head -c 16384 "$2" > "$out"
  if [ "$(stat -c %s "$2")" -gt 16384 ]; then sed -i '$d' "$out"; fi
}
make_seeds() {
  local r="$1" f
  rm -rf "$WORK/seeds/$r"; mkdir -p "$WORK/seeds/$r"
  [ -d "$ROOT/tests/fuzz/seeds/$r" ] && for f in "$ROOT/tests/fuzz/seeds/$r"/*; do seed "$r" "$f"; done
  case "$r" in
    extxyz) for f in "$ROOT"/potentials/*.xyz; do seed "$r" "$f"; done ;;
    lammps_data) for f in "$ROOT"/examples/*/*.data; do seed "$r" "$f"; done ;;
    train_config) for f in "$ROOT"/examples/*/train/*.yaml; do seed "$r" "$f"; done ;;
    manifest) python3 - "$WORK/seeds/$r" "$ROOT"/potentials/*.pt <<'PY'
import os, sys, zipfile
for pt in sys.argv[2:]:
    with zipfile.ZipFile(pt) as z:
        for name in z.namelist():
            if name.endswith("extra/manifest.yaml"):
                open(os.path.join(sys.argv[1], os.path.basename(pt) + ".manifest.yaml"), "wb").write(z.read(name))
PY
    ;;
  esac
}

run_one() {  # run_one READER -> WORK/READER.log
  local r="$1" bin="$BUILD/tests/fuzz/fuzz_$1" regress="$ROOT/tests/fuzz/regressions/$1"
  local log="$WORK/$r.log"
  [ -x "$bin" ] || { echo "fuzz.sh: $bin not built" > "$log"; return 1; }
  make_seeds "$r"
  mkdir -p "$WORK/corpus/$r" "$WORK/crashes"
  : > "$log"
  if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
    "$bin" -rss_limit_mb=2048 -malloc_limit_mb=1024 "$regress"/* >> "$log" 2>&1 || { echo "regression replay failed" >> "$log"; return 1; }
  fi
  "$bin" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 -timeout=10 \
         -print_final_stats=1 -artifact_prefix="$WORK/crashes/$r-" "$WORK/corpus/$r" "$WORK/seeds/$r" >> "$log" 2>&1
}

mkdir -p "$WORK"
pids=(); names=()
for r in "${READERS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 1; done
  run_one "$r" & pids+=($!); names+=("$r")
done
status=0
printf '%-13s %8s %12s %8s %8s %8s %s\n' reader seconds executions edges features corpus result
for i in "${!pids[@]}"; do
  r="${names[$i]}"; log="$WORK/$r.log"
  if wait "${pids[$i]}"; then result=ok; else result=CRASH; status=1; fi
  # The final statistics of the log (absent when the fuzzer stopped at a crash before its end).
  execs=$( (grep -o 'stat::number_of_executed_units: [0-9]*' "$log" || true) | tail -1 | awk '{print $2}')
  secs=$( (grep -o 'Done [0-9]* runs in [0-9]* second' "$log" || true) | tail -1 | awk '{print $5}')
  cov=$( (grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" || true) | tail -1)
  printf '%-13s %8s %12s %8s %8s %8s %s\n' "$r" "${secs:--}" "${execs:--}" "$(echo "$cov" | awk '{print $2}')" \
         "$(echo "$cov" | awk '{print $4}')" "$(ls "$WORK/corpus/$r" 2>/dev/null | wc -l)" "$result"
  if [ "$result" != ok ]; then
    echo "--- $r: $log" >&2
    (grep -E 'ERROR|SUMMARY|runtime error|not a clean|does not name|reads back|regression|Test unit written' "$log" || true) | head -20 >&2
    for c in "$WORK/crashes/$r-"*; do [ -e "$c" ] && echo "replay: $BUILD/tests/fuzz/fuzz_$r $c" >&2; done
  fi
done
exit $status
