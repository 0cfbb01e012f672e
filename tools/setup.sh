#!/usr/bin/env bash
# Installs every Debian package lammps-drift needs and fetches the matching LAMMPS
# source tree (headers for the plugin) into .cache/lammps-src. Idempotent: a second
# run checks and returns in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${LAMMPS_DRIFT_CACHE:-$ROOT/.cache}"
PACKAGES=(
  build-essential cmake ccache pkg-config dpkg-dev
  lammps liblammps-dev
  libtorch-dev
  # LibTorch's products go through the libblas.so.3 alternative: the reference BLAS unless an
  # optimised one is installed. OpenBLAS (OpenMP build, the libgomp LibTorch uses) takes the
  # drifting field from 57 to 91 fields/s at batch 512 and a training step from 35 to 41 steps/s
  # (drift-bench, docs/drift-train.md); apt registers it as the alternative.
  libopenblas0-openmp
  libtrilinos-kokkos-dev
  libopenmpi-dev openmpi-bin
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox
  gromacs gromacs-data python3
  # The sanitizer build of the core tests and the readers' fuzzers (libFuzzer is in compiler-rt).
  clang-14 libclang-rt-14-dev
  # The Python package python/lammps_drift (load, sample, ASE atoms, compare; test python_package).
  python3-torch python3-numpy python3-ase python3-yaml
)

log() { printf '[setup] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq >/dev/null
    apt_updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  apt_update
  log "installing: ${missing[*]}"
  mkdir -p "$CACHE"
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      >"$CACHE/apt-install.log" 2>&1; then
    tail -20 "$CACHE/apt-install.log" >&2
    log "apt-get install failed (full log: $CACHE/apt-install.log)"
    exit 1
  fi
else
  log "all ${#PACKAGES[@]} Debian packages present"
fi

# The LAMMPS source tree matching Debian's liblammps (the -dev package lacks fmt/ and most headers).
LMP_VERSION="$(dpkg-query -W -f='${source:Version}' liblammps-dev)"
SRC_STAMP="$CACHE/lammps-src/.debian-version"
if [ -f "$SRC_STAMP" ] && [ "$(cat "$SRC_STAMP")" = "$LMP_VERSION" ] && [ -f "$CACHE/lammps-src/src/lammps.h" ]; then
  log "LAMMPS source $LMP_VERSION present in $CACHE/lammps-src"
else
  if ! apt-get source --print-uris lammps >/dev/null 2>&1; then
    log "adding a deb-src entry for Debian bookworm"
    $SUDO tee /etc/apt/sources.list.d/lammps-drift-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
    apt_update
  fi
  log "fetching LAMMPS source $LMP_VERSION (apt-get source lammps)"
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/tmp.XXXXXX")"
  chmod 755 "$tmp"  # apt's _apt user downloads into it
  ( cd "$tmp" && apt-get source -qq --download-only "lammps=$LMP_VERSION" >/dev/null 2>&1 \
      && dpkg-source --no-check -x ./*.dsc src >/dev/null )
  mkdir -p "$CACHE"
  rm -rf "$CACHE/lammps-src"
  mv "$tmp/src" "$CACHE/lammps-src"
  rm -rf "$tmp"
  echo "$LMP_VERSION" > "$SRC_STAMP"
  log "LAMMPS source ready in $CACHE/lammps-src"
fi
