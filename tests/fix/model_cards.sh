#!/usr/bin/env bash
# Every shipped generator (potentials/*.pt with its card potentials/*.yaml) loads in fix
# drift/boltzmann and reproduces its card's check: the valid fraction at 0.2 A and the h(r) TVD
# of the card's sample set (in.sample, card seed and size) against the shipped reference subset of
# its molecule (the card's molecule_dir, molecule_data and reference; cards without them are
# ethanol's: examples/ethanol, ethanol.data, potentials/ethanol-reference-500K.xyz).
# Usage: model_cards.sh <lmp_drift> <drift-compare> <source dir> <work dir>
set -euo pipefail
LMP="$1" COMPARE="$2" SRC="$3" WORK="$4"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
card_key() {  # card_key <card> <top-level key>
  awk -v key="$2" '{ k = $1; sub(/:$/, "", k) } k == key && /^[^ ]/ { print $2; exit }' "$1"
}
card_value() {  # card_value <card> <key under check:>
  awk -v key="$2" '/^check:/ { inside = 1; next } /^[^ #]/ { inside = 0 }
    inside { k = $1; sub(/:$/, "", k); if (k == key) { print $2; exit } }' "$1"
}
cards=0
molecules=""
for card in "$SRC"/potentials/*.yaml; do
  name="$(basename "$card" .yaml)"
  dir="$(card_key "$card" molecule_dir)" data="$(card_key "$card" molecule_data)" reference="$(card_key "$card" reference)"
  EX="$SRC/${dir:-examples/ethanol}" data="${data:-ethanol.data}" reference="$SRC/potentials/${reference:-ethanol-reference-500K.xyz}"
  for f in "$EX/$data" "$reference"; do [ -f "$f" ] || { echo "FAIL: $card names $f, which does not exist"; exit 1; }; done
  model="$SRC/potentials/$name.pt"
  [ -f "$model" ] || { echo "FAIL: $card has no model $model"; exit 1; }
  seed="$(card_value "$card" seed)" nx="$(card_value "$card" nx)" batches="$(card_value "$card" batches)"
  want_valid="$(card_value "$card" valid@0.2)" want_tvd="$(card_value "$card" hr_tvd)"
  for v in seed nx batches want_valid want_tvd; do
    [ -n "${!v}" ] || { echo "FAIL: $card: check.${v#want_} missing"; exit 1; }
  done
  mpirun -np 2 "$LMP" -in "$EX/../in.sample" -var dir "$EX" -var data "$data" -var model "$model" -var nx "$nx" -var batches "$batches" \
    -var seed "$seed" -var out "$name" -log "$name.log" -screen none
  "$COMPARE" -q --no-plots -d "$EX/$data" "$reference" "$name.xyz" -l "$name" \
    -o "$name-report" > "$name.table"
  row="$(grep "^| $name |" "$name.table" | head -1)"
  got_valid="$(echo "$row" | awk -F'|' '{ print $5 + 0 }')" got_tvd="$(echo "$row" | awk -F'|' '{ print $7 + 0 }')"
  echo "$name: valid@0.2 $got_valid (card $want_valid), h(r) TVD $got_tvd (card $want_tvd)"
  awk -v a="$got_valid" -v b="$want_valid" 'BEGIN { exit !(a - b <= 0.01 && b - a <= 0.01) }' \
    || { echo "FAIL: $name valid@0.2 $got_valid differs from its card ($want_valid) by more than 0.01"; exit 1; }
  awk -v a="$got_tvd" -v b="$want_tvd" 'BEGIN { exit !(a - b <= 0.005 && b - a <= 0.005) }' \
    || { echo "FAIL: $name h(r) TVD $got_tvd differs from its card ($want_tvd) by more than 0.005"; exit 1; }
  cards=$((cards + 1))
  case " $molecules " in *" ${dir:-examples/ethanol} "*) ;; *) molecules="$molecules ${dir:-examples/ethanol}" ;; esac
done
[ "$cards" -ge 2 ] || { echo "FAIL: expected the shipped dist and coord generators, found $cards cards"; exit 1; }
echo "$cards model cards reproduced ($(echo $molecules | wc -w) molecules:$molecules)"
