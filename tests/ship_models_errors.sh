#!/usr/bin/env bash
# tools/ship-models.sh on bad input: each mistake gets a message that names what is wrong, and
# potentials/ (here a scratch copy) is left exactly as it was, even when a variant fails after the
# reference subset and the first cards were already made.
# Usage: ship_models_errors.sh <source dir> <build dir> <work dir>
# Mutations that make it fail: installing the reference subset before the variants are checked (as
# before this test); shipping each variant as soon as its card is written (the last case below
# then finds fi-dist's card in potentials/); dropping the "--molecule needs a name" guard (the
# script then takes the variant as the molecule and names the wrong thing).
set -uo pipefail
SRC="$1" BUILD="$2" WORK="$3"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export DRIFT_BUILD_DIR="$BUILD"
rm -rf "$WORK" && mkdir -p "$WORK/pot" "$WORK/study/md" "$WORK/study/models" && cd "$WORK" || exit 1
export DRIFT_POTENTIALS="$WORK/pot" DRIFT_STUDY_OUT="$WORK/study"
SHIP="$SRC/tools/ship-models.sh"
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect <exit code> <message fragment> <command...>
  local code="$1" fragment="$2"; shift 2
  "$@" > out.txt 2> err.txt
  local got=$?
  [ "$got" -eq "$code" ] || { cat out.txt err.txt; fail "'$*' exited $got, expected $code"; }
  grep -qF -- "$fragment" err.txt || { cat err.txt; fail "'$*' did not say '$fragment'"; }
  echo "ok: '$*' -> $code, '$fragment'"
}
echo "sentinel: the shipped subset before this test" > pot/ethanol-reference-500K.xyz
echo "sentinel card" > pot/ethanol-fi-dist.yaml
cp pot/ethanol-reference-500K.xyz ref.before
unchanged() {
  cmp -s pot/ethanol-reference-500K.xyz ref.before || fail "potentials/ reference subset was replaced by a run that failed"
  [ "$(cat pot/ethanol-fi-dist.yaml)" = "sentinel card" ] || fail "potentials/ethanol-fi-dist.yaml was replaced by a run that failed"
  [ "$(ls -A pot | sort | tr '\n' ' ')" = "ethanol-fi-dist.yaml ethanol-reference-500K.xyz " ] || fail "potentials/ gained files: $(ls -A pot)"
}

expect 2 "--molecule needs a name" bash "$SHIP" --molecule
expect 2 "examples/no-such-molecule/study.conf" bash "$SHIP" --molecule no-such-molecule a
expect 1 "no reference MD $WORK/study/md/reference.dump" bash "$SHIP" --molecule ethanol fi-dist
unchanged

# A real (tiny) reference: two frames of the ethanol data file's one molecule.
{
  for step in 0 100; do
    printf 'ITEM: TIMESTEP\n%s\nITEM: NUMBER OF ATOMS\n9\nITEM: BOX BOUNDS pp pp pp\n-20 20\n-20 20\n-20 20\n' "$step"
    echo "ITEM: ATOMS id mol type x y z fx fy fz c_pe"
    awk '/^Atoms/ { on = 1; next } on && NF == 0 && n > 0 { exit } on && NF >= 7 { n++; print $1, $2, $3, $5, $6, $7, 0, 0, 0, 0 }' \
      "$SRC/examples/ethanol/ethanol.data"
  done
} > study/md/reference.dump
[ "$(grep -c '^ITEM: TIMESTEP' study/md/reference.dump)" -eq 2 ] || fail "could not build the test dump"

expect 1 "variant 'no-such-variant' has no config" bash "$SHIP" --molecule ethanol no-such-variant
# fk-coord has no model: refused before anything is made.
echo "not a TorchScript archive" > study/models/fi-dist.pt
expect 1 "$WORK/study/models/fk-coord.pt not found" bash "$SHIP" --molecule ethanol fi-dist fk-coord
grep -qF "nothing shipped" err.txt || fail "the missing-model message does not say that nothing was shipped"
unchanged

# fi-dist is a real model (the shipped one), fk-coord is no model: fi-dist's card is made,
# then the fix refuses fk-coord; nothing lands, neither the subset nor fi-dist's model and card.
cp "$SRC/potentials/ethanol-fi-dist.pt" study/models/fi-dist.pt || fail "no shipped potentials/ethanol-fi-dist.pt"
echo "not a TorchScript archive" > study/models/fk-coord.pt
expect 1 "" bash "$SHIP" --molecule ethanol fi-dist fk-coord
grep -q "fewer than 1000 conformations" err.txt || fail "no warning that the 2-frame reference is under 1000 conformations"
grep -q "^model: ethanol-fi-dist.pt" out.txt || { cat out.txt err.txt; fail "fi-dist's card was not made before fk-coord failed (the case tests nothing)"; }
unchanged
echo "ship-models refuses bad input and leaves potentials/ untouched"
