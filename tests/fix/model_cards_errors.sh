#!/usr/bin/env bash
# tests/fix/model_cards.sh on broken cards: it fails (never passes, never runs the fix on the wrong
# files) and says which card and which file or key is wrong.
# Usage: model_cards_errors.sh <model_cards.sh> <lmp_drift> <drift-compare> <source dir> <work dir>
# Mutations that make it fail: dropping the check that the card's molecule files exist (the fix then
# fails on a missing data file with its own message); dropping the check.<key> loop (a card without
# check.seed then runs in.sample with an empty seed); defaulting a missing molecule_dir to the card's
# own folder instead of examples/ethanol (the ethanol card without molecule keys then fails).
set -uo pipefail
CARDS="$1" LMP="$2" COMPARE="$3" SRC="$4" WORK="$5"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK/src/potentials" || exit 1
ln -s "$SRC/examples" "$WORK/src/examples"
check_card() {  # check_card <card text> <message fragment>
  rm -f "$WORK"/src/potentials/*
  cp "$SRC/potentials/ethanol-fi-dist.pt" "$WORK/src/potentials/broken.pt"
  cp "$SRC/potentials/ethanol-reference-500K.xyz" "$WORK/src/potentials/"
  printf '%s\n' "$1" > "$WORK/src/potentials/broken.yaml"
  bash "$CARDS" "$LMP" "$COMPARE" "$WORK/src" "$WORK/run" > "$WORK/out.txt" 2>&1
  local code=$?
  [ "$code" -ne 0 ] || { cat "$WORK/out.txt"; fail "model_cards.sh passed a broken card"; }
  grep -qF -- "$2" "$WORK/out.txt" || { cat "$WORK/out.txt"; fail "model_cards.sh did not say '$2'"; }
  echo "ok: exit $code, '$2'"
}
CHECK=$'check:\n  seed: 2026\n  nx: 2\n  batches: 1\n  valid@0.2: 1.000\n  hr_tvd: 0.05'
check_card $'molecule_dir: examples/no-such-molecule\nmolecule_data: x.data\nreference: ethanol-reference-500K.xyz\n'"$CHECK" \
  "broken.yaml names $WORK/src/examples/no-such-molecule/x.data, which does not exist"
check_card $'molecule_dir: examples/ethanol\nmolecule_data: ethanol.data\nreference: no-such-reference.xyz\n'"$CHECK" \
  "no-such-reference.xyz, which does not exist"
check_card $'check:\n  nx: 2\n  batches: 1\n  valid@0.2: 1.000\n  hr_tvd: 0.05' "broken.yaml: check.seed missing"
rm "$WORK/src/potentials/broken.pt"
printf '%s\n' "$CHECK" > "$WORK/src/potentials/broken.yaml"
bash "$CARDS" "$LMP" "$COMPARE" "$WORK/src" "$WORK/run" > "$WORK/out.txt" 2>&1 && fail "a card without its model passed"
grep -qF "broken.yaml has no model" "$WORK/out.txt" || { cat "$WORK/out.txt"; fail "no 'has no model' message"; }
echo "ok: a card without its model"
echo "model_cards.sh rejects broken cards with a message naming the card"
