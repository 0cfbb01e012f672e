#!/usr/bin/env bash
# The core library's unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (clang-14,
# every finding fatal), and each reader's fuzzer for a short run (DRIFT_FUZZ_SECONDS, default 20).
# Core only: LAMMPS, LibTorch, Kokkos and MPI are prebuilt without sanitizers, so the code that
# needs them (trainer, fix, replica kernels) is tested by the plain build instead.
#   tools/sanitize-tests.sh [ctest arguments]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_SANITIZE_BUILD_DIR:-$ROOT/build-asan}"
command -v clang++-14 >/dev/null || { echo "sanitize-tests: clang++-14 not found (apt-get install clang-14 libclang-rt-14-dev, or tools/setup.sh)" >&2; exit 1; }
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DDRIFT_CORE_ONLY=ON \
      -DDRIFT_SANITIZE=address,undefined -DDRIFT_BUILD_FUZZERS=ON -DDRIFT_BUILD_TESTS=ON \
      -DDRIFT_FUZZ_SECONDS="${DRIFT_FUZZ_SECONDS:-20}" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1" \
  ctest --output-on-failure -j"$(nproc)" "$@"
