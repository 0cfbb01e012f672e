# Mean and spread over training seeds of drift-compare's Markdown tables (report.md / stdout):
# rows labelled NAME-sSEED are grouped by NAME; other rows (MD sets) are kept as they are.
# Prints one Markdown row per group: the main table's metrics as mean [min, max]; then, when the
# tables are there, the Ramachandran JSD, torus W2 and largest basin |z| (first backbone pair), the
# energy W2 in kT, and KSD^2 and T_conf/T (means over seeds) from the Stein table. With -v header=1
# it prints the header line of those columns instead. Used by tools/seed-study.sh and
# tools/ethanol-bias-study.sh.
function trim(s) { gsub(/^ +| +$/, "", s); return s }
function keyof(label) { sub(/ \(reference\)$/, "", label); return (label in labelkey) ? labelkey[label] : "" }
function acc(name, key, v) { k = key SUBSEP name; sum[k] += v; cnt[k]++
  if (!(k in lo) || v < lo[k]) lo[k] = v; if (!(k in hi) || v > hi[k]) hi[k] = v }
function show(name, key) { k = key SUBSEP name
  if (!(k in cnt)) { printf " |"; return }
  if (cnt[k] > 1) printf " %.4g [%.4g, %.4g] |", sum[k] / cnt[k], lo[k], hi[k]; else printf " %.4g |", sum[k] }
/^\| ensemble \| samples \| KSD/ { stein = 1; main = 0; rama = 0; kt = 0; has_stein = 1; next }
/^\| ensemble \| samples/ { main = 1; last = NF - 1; for (c = 4; c <= last; c++) head[c] = trim($c); next }
/^\| ensemble \| E W1 \(kT\)/ { kt = 1; has_kt = 1; next }
/^\| ensemble \| JSD \| W2 \(rad\)/ { rama = (++rama_tables == 1); if (rama) has_rama = 1; next }
/^Per pair type/ || /^Torsions:/ || /^Reference-free/ || /^Definitions/ || /^Energy distributions/ || /^Ramachandran/ || /^$/ { main = 0; kt = 0; rama = 0 }
/^Definitions/ { stein = 0 }
main && /^\| [^-]/ {
  label = trim($2); key = label; sub(/-s[0-9]+$/, "", key)
  if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  for (c = 4; c <= last; c++) acc("c" c, key, trim($c) + 0)
  labelkey[label] = key }
kt && /^\| [^-]/ { key = keyof(trim($2)); if (key != "") acc("w2kt", key, trim($4) + 0) }
rama && /^\| [^-]/ && !/\(reference\) \|/ { key = keyof(trim($2)); if (key == "") next
  acc("rjsd", key, trim($3) + 0); acc("rw2", key, trim($4) + 0)
  z = 0; for (c = 6; c < NF; c += 2) { v = trim($c) + 0; if (v < 0) v = -v; if (v > z || trim($c) == "inf") z = (trim($c) == "inf") ? 1e9 : v }
  acc("rz", key, z) }
stein && /^\| [^-]/ { key = keyof(trim($2)); if (key == "") next
  split(trim($4), a, " "); split(trim($5), t, " ")
  ks[key] += a[1]; tc[key] += t[1]; nst[key]++ }
END {
  if (header) {
    printf "| configuration |"; for (c = 4; c <= last; c++) printf " %s |", head[c]
    if (has_rama) printf " phi/psi JSD | torus W2 (rad) | basins: max abs z |"
    if (has_kt) printf " E W2 (kT) |"
    if (has_stein) printf " KSD^2 | T_conf/T |"
    printf "\n|---|"; for (c = 4; c <= last; c++) printf "---|"
    if (has_rama) printf "---|---|---|"; if (has_kt) printf "---|"; if (has_stein) printf "---|---|"
    printf "\n"; exit }
  for (i = 1; i <= n; i++) { key = order[i]; printf "| %s |", key
    for (c = 4; c <= last; c++) show("c" c, key)
    if (has_rama) { show("rjsd", key); show("rw2", key); show("rz", key) }
    if (has_kt) show("w2kt", key)
    if (has_stein) { if (nst[key]) printf " %.4g | %.3g |", ks[key] / nst[key], tc[key] / nst[key]; else printf " | |" }
    printf "\n" } }
