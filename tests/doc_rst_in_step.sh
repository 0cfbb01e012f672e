#!/usr/bin/env bash
# doc/fix_drift_boltzmann.rst (the fix's page in the LAMMPS manual's form) must be exactly what
# tools/md2rst.py makes of docs/fix_drift_boltzmann.md, must list every keyword of the Markdown's
# keyword table, and must have a LAMMPS fix page's index entry, title and sections in order.
# Needs python3 only (no build). Mutations that fail it: editing docs/fix_drift_boltzmann.md
# without regenerating the rst (tried: a keyword's default changed; the diff and the command to
# regenerate are printed); editing the rst by hand; a keyword row whose first cell is not one
# `keyword` code span (md2rst.py stops naming the line).
# Usage: doc_rst_in_step.sh <source dir> <work dir>
set -euo pipefail
SRC="$1" WORK="$2"
MD=docs/fix_drift_boltzmann.md RST=doc/fix_drift_boltzmann.rst
rm -rf "$WORK" && mkdir -p "$WORK"
cd "$SRC"
REGEN="(cd $SRC && python3 tools/md2rst.py $MD -o $RST)"
[ -f "$RST" ] || { echo "FAIL: $RST missing; generate it: $REGEN"; exit 1; }
python3 tools/md2rst.py "$MD" > "$WORK/fix_drift_boltzmann.rst" \
  || { echo "FAIL: tools/md2rst.py cannot convert $MD (message above)"; exit 1; }
if ! diff -u "$RST" "$WORK/fix_drift_boltzmann.rst" > "$WORK/rst.diff"; then
  cat "$WORK/rst.diff"
  echo "FAIL: $RST is not tools/md2rst.py's output for $MD (diff above: committed -> generated);"
  echo "      edit $MD, not the rst, and regenerate: $REGEN"
  exit 1
fi

# Every keyword of the Markdown's keyword table (rows '| `kw` | ... |' after the '| keyword |'
# header) is in the rst's "keyword = ..." line and has its own "*kw* values = ..." entry.
awk '/^\| *keyword *\|/ { t = 1; next } t && /^\|/ { print; next } t { exit }' "$MD" | tail -n +2 > "$WORK/rows.md"
rows=$(wc -l < "$WORK/rows.md")
sed -n 's/^| *`\([a-z][a-z0-9_/]*\)` *|.*/\1/p' "$WORK/rows.md" > "$WORK/keywords"
[ "$rows" -gt 0 ] || { echo "FAIL: no keyword table ('| keyword | ...') found in $MD"; exit 1; }
[ "$(wc -l < "$WORK/keywords")" = "$rows" ] \
  || { echo "FAIL: $rows keyword-table rows but $(wc -l < "$WORK/keywords") '| \`keyword\` |' cells in $MD"; exit 1; }
kwline="$(grep -m1 '^\* keyword = ' "$RST" || true)"
[ -n "$kwline" ] || { echo "FAIL: no '* keyword = ...' line in $RST"; exit 1; }
while IFS= read -r kw; do
  grep -qF "*$kw*" <<< "$kwline" || { echo "FAIL: keyword '$kw' missing from '$kwline'"; exit 1; }
  [ "$(grep -cE "^ +\*$kw\* values = " "$RST")" = 1 ] \
    || { echo "FAIL: keyword '$kw' has no (or more than one) '*$kw* values = ...' entry in $RST"; exit 1; }
done < "$WORK/keywords"
[ "$(grep -cE '^ +\*[a-z][a-z0-9_/]*\* values = ' "$RST")" = "$rows" ] \
  || { echo "FAIL: $RST lists another number of keywords than the $rows of $MD's table"; exit 1; }

# A LAMMPS fix page: index entry, title, and the mandatory sections, in this order, each title
# underlined with '"' to its length.
grep -qx '\.\. index:: fix drift/boltzmann' "$RST" || { echo "FAIL: no '.. index:: fix drift/boltzmann'"; exit 1; }
awk 'prev == "fix drift/boltzmann command" && $0 == "===========================" { ok = 1 } { prev = $0 }
     END { exit !ok }' "$RST" || { echo "FAIL: no title 'fix drift/boltzmann command' underlined with '='"; exit 1; }
last=0
for s in "Syntax" "Examples" "Description" "Restart, fix_modify, output, run start/stop, minimize info" \
         "Restrictions" "Related commands" "Default"; do
  line=$(awk -v s="$s" 'prev == s && $0 ~ /^"+$/ && length($0) == length(s) { print NR - 1; exit } { prev = $0 }' "$RST")
  [ -n "$line" ] || { echo "FAIL: no section '$s' underlined with '\"' in $RST"; exit 1; }
  [ "$line" -gt "$last" ] || { echo "FAIL: section '$s' out of order in $RST"; exit 1; }
  last=$line
done
[ "$(grep -c '^\.\. code-block:: LAMMPS$' "$RST")" -ge 2 ] || { echo "FAIL: Syntax and Examples need '.. code-block:: LAMMPS'"; exit 1; }
grep -qF ':doc:`fix deposit <fix_deposit>`' "$RST" || { echo "FAIL: Related commands lack :doc:\`fix deposit <fix_deposit>\`"; exit 1; }
# No Markdown left over.
if grep -nE '\]\(https?:|^#|^\|' "$RST"; then echo "FAIL: Markdown link, heading or table left in $RST (lines above)"; exit 1; fi
echo "doc_rst_in_step: $RST is in step with $MD ($rows keywords, 7 sections)"
