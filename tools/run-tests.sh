#!/usr/bin/env bash
# The test command: installs what is missing (Debian packages, LAMMPS headers), builds
# everything with tests and runs the whole suite with CTest; then the core tests under sanitizers
# and the readers' fuzzers (tools/sanitize-tests.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
T0=$(date +%s)
bash "$ROOT/tools/setup.sh"
# setup.sh put the LAMMPS source tree under LAMMPS_DRIFT_CACHE when that is set.
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDRIFT_BUILD_TESTS=ON -DLAMMPS_SOURCE_DIR="${LAMMPS_DRIFT_CACHE:-$ROOT/.cache}/lammps-src"
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"
# The core tests again under ASan+UBSan, and each reader's fuzzer briefly.
bash "$ROOT/tools/sanitize-tests.sh" "$@"
echo "run-tests: finished in $(( $(date +%s) - T0 )) s"
