#!/usr/bin/env bash
# The test command: installs what is missing (Debian packages, LAMMPS headers), builds
# everything with tests and runs the whole suite with CTest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
T0=$(date +%s)
bash "$ROOT/tools/setup.sh"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDRIFT_BUILD_TESTS=ON
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"
echo "run-tests: finished in $(( $(date +%s) - T0 )) s"
