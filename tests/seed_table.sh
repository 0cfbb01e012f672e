#!/usr/bin/env bash
# tools/seed-table.awk (the seed and bias studies' tables) on drift-compare's real output for a
# peptide: the shipped alanine-dipeptide reference subset split into three ensembles, two of them
# labelled as seeds of one configuration. The header must have as many columns as every row, the
# seeds must be grouped as mean [min, max], and the Ramachandran and kT columns must hold the
# numbers of the JSON. Mutations that fail it: reading E W1 (kT) instead of E W2 (kT), or JSD from
# the W2 column; dropping a column from the header but not from the rows.
# Usage: seed_table.sh <drift-compare> <drift-frames> <source dir> <work dir>
set -euo pipefail
COMPARE="$1" FRAMES="$2" SRC="$3" WORK="$4"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
EX="$SRC/examples/alanine-dipeptide"
REF="$SRC/potentials/alanine-dipeptide-reference-300K.xyz"
[ -f "$REF" ] || { echo "FAIL: $REF missing (tools/ship-models.sh --molecule alanine-dipeptide writes it)"; exit 1; }
"$FRAMES" -d "$EX/alanine-dipeptide.data" "$REF" s1.xyz --frames 1:300
"$FRAMES" -d "$EX/alanine-dipeptide.data" "$REF" s2.xyz --frames 301:600
"$FRAMES" -d "$EX/alanine-dipeptide.data" "$REF" md.xyz --frames 601:900
"$COMPARE" -q --no-plots -d "$EX/alanine-dipeptide.data" "$REF" s1.xyz s2.xyz md.xyz -l cfg-s1 -l cfg-s2 -l md \
  --forcefield "$EX/forcefield.lmp" --ksd-temperature 300 --ksd-samples 300 -o report > table.md
awk -F'|' -v header=1 -f "$SRC/tools/seed-table.awk" table.md > header.md
awk -F'|' -f "$SRC/tools/seed-table.awk" table.md > rows.md
cat header.md rows.md
cols() { awk -F'|' '{ print NF }' <<< "$1"; }
want="$(cols "$(head -1 header.md)")"
while IFS= read -r row; do
  [ "$(cols "$row")" = "$want" ] || { echo "FAIL: row has $(cols "$row") fields, header $want: $row"; exit 1; }
done < rows.md
for c in "phi/psi JSD" "torus W2 (rad)" "E W2 (kT)" "KSD^2"; do
  grep -qF "| $c |" header.md || { echo "FAIL: no column '$c' in the header"; exit 1; }
done
[ "$(grep -c '^| cfg |' rows.md)" = 1 ] || { echo "FAIL: the two seeds are not one row 'cfg'"; exit 1; }
grep -q '^| cfg | [0-9.e-]* \[[0-9.e-]*, [0-9.e-]*\] |' rows.md || { echo "FAIL: cfg is not mean [min, max]"; exit 1; }
grep -q '^| md | [0-9.e-]* |' rows.md || { echo "FAIL: md is not kept as a single row"; exit 1; }
# The cfg row's means against the JSON's per-seed values.
column_of() { awk -F'|' -v name="$1" 'NR == 1 { for (c = 2; c <= NF; c++) { h = $c; gsub(/^ +| +$/, "", h); if (h == name) print c } }' header.md; }
value_of() { awk -F'|' -v c="$1" '/^\| cfg \|/ { v = $c; sub(/^ +/, "", v); split(v, a, " "); print a[1] }' rows.md; }
python3 - "$(value_of "$(column_of "E W2 (kT)")")" "$(value_of "$(column_of "phi/psi JSD")")" report/metrics.json <<'PY'
import json, sys
w2kt, jsd, path = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
rows = json.load(open(path))["comparisons"][:2]
want_w2 = sum(r["energy"]["w2_kt"] for r in rows) / 2
want_jsd = sum(r["ramachandran"][0]["jsd"] for r in rows) / 2
ok = abs(w2kt - want_w2) <= 1e-3 * max(1.0, abs(want_w2)) and abs(jsd - want_jsd) <= 1e-3 * max(1e-3, abs(want_jsd)) + 1e-6
print(f"E W2 (kT) {w2kt} (JSON mean {want_w2:.6g}), phi/psi JSD {jsd} (JSON mean {want_jsd:.6g})")
sys.exit(0 if ok else 1)
PY
echo "seed table: $(wc -l < rows.md) rows, $((want - 2)) columns, values match the JSON"
