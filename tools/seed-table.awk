# Mean and spread over training seeds of drift-compare's Markdown tables (report.md / stdout):
# rows labelled NAME-sSEED are grouped by NAME; other rows (MD sets) are kept as they are.
# Prints one Markdown row per group: the main table's metrics as mean [min, max], then KSD^2 and
# T_conf/T (means over seeds) from the Stein table when present. Used by tools/seed-study.sh and
# tools/ethanol-bias-study.sh.
function trim(s) { gsub(/^ +| +$/, "", s); return s }
/^\| ensemble \| samples \| KSD/ { stein = 1; main = 0; next }
/^\| ensemble \| samples/ { main = 1; last = NF - 1; next }
/^Per pair type/ || /^Torsions:/ || /^Reference-free/ || /^Definitions/ { main = 0 }
/^Definitions/ { stein = 0 }
main && /^\| [^-]/ {
  label = trim($2); key = label; sub(/-s[0-9]+$/, "", key)
  if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  count[key]++
  for (c = 4; c <= last; c++) { v = trim($c) + 0; k = key SUBSEP c
    sum[k] += v; if (!(k in lo) || v < lo[k]) lo[k] = v; if (!(k in hi) || v > hi[k]) hi[k] = v }
  labelkey[label] = key }
stein && /^\| [^-]/ {
  label = trim($2); sub(/ \(reference\)$/, "", label); key = (label in labelkey) ? labelkey[label] : ""
  if (key == "") next
  split(trim($4), a, " "); split(trim($5), t, " ")
  ks[key] += a[1]; tc[key] += t[1]; nst[key]++ }
END {
  for (i = 1; i <= n; i++) { key = order[i]; printf "| %s |", key
    for (c = 4; c <= last; c++) { k = key SUBSEP c
      if (count[key] > 1) printf " %.4g [%.4g, %.4g] |", sum[k] / count[key], lo[k], hi[k]
      else printf " %.4g |", sum[k] }
    if (nst[key]) printf " %.4g | %.3g |\n", ks[key] / nst[key], tc[key] / nst[key]; else printf " | |\n" } }
