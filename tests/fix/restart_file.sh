#!/usr/bin/env bash
# fix drift/boltzmann's samples file across read_restart: the restarted run continues the file at
# the restart point, so the file equals an uninterrupted run's, byte for byte, when the first run
# went on after writing the restart file and when the file ends in a torn frame; a file that is not
# the fix's samples is an error that names it and its line, and is left as it was.
# Usage: restart_file.sh <lmp_drift> <source dir> <work dir>
# Mutations that make it fail: not calling continue_output_after_restart (the file restarts
# empty: 64 of 128 frames); keeping the whole old file (the first run's frames after the restart
# point stay: 160 frames); the atom-count check dropped (garbage is continued).
set -uo pipefail
LMP="$1" SRC="$2" WORK="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
run() { "$LMP" -in "$1" -var src "$SRC" "${@:2}" -log none -echo none > run.out 2>&1; }
run "$SRC/tests/fix/in.restart-part" -var first 4 -var after 0 || { cat run.out; fail "uninterrupted run failed"; }
mv samples.xyz full.xyz
frames() { grep -c '^9$' "$1"; }
[ "$(frames full.xyz)" -eq 128 ] || fail "the uninterrupted run wrote $(frames full.xyz) samples, expected 4 x 32"

# The first run goes on 1 step past the restart point; the restarted run replaces that step.
run "$SRC/tests/fix/in.restart-part" -var first 2 -var after 1 || { cat run.out; fail "first part failed"; }
[ "$(frames samples.xyz)" -eq 96 ] || fail "the first part wrote $(frames samples.xyz) samples, expected 96"
run "$SRC/tests/fix/in.restart-resume" -var rest 2 || { cat run.out; fail "restarted run failed"; }
cmp -s samples.xyz full.xyz || fail "after read_restart the file has $(frames samples.xyz) samples and differs from the uninterrupted run's"
echo "ok: continued at the restart point ($(frames samples.xyz) samples, same bytes as uninterrupted)"

# A torn last frame (a write interrupted after the restart file): dropped, the rest continued.
run "$SRC/tests/fix/in.restart-part" -var first 2 -var after 0 || { cat run.out; fail "first part failed"; }
printf '9\nProperties=species:S:1:pos:R:3 energy=1.0\nC 0 0 0\n' >> samples.xyz
run "$SRC/tests/fix/in.restart-resume" -var rest 2 || { cat run.out; fail "restarted run after a torn frame failed"; }
cmp -s samples.xyz full.xyz || fail "a torn last frame was not dropped ($(frames samples.xyz) samples)"
echo "ok: a torn last frame is dropped"

# Another chunk after the restart: the samples differ from the uninterrupted run's, and the
# warning says so and how to continue them (mutation that fails it: the chunk left out of the
# restart data, or not compared in restart()).
run "$SRC/tests/fix/in.restart-part" -var first 2 -var after 0 || fail "first part failed"
run "$SRC/tests/fix/in.restart-resume" -var rest 2 -var chunk 100 || { cat run.out; fail "restarted run with chunk 100 failed"; }
grep -q "the restart file was written with chunk 1024, this fix has chunk 100" run.out \
  || { cat run.out; fail "no warning that the chunk changed across the restart"; }
echo "ok: a changed chunk is reported"

# Not a samples file: an error naming the file and line; the file is untouched.
run "$SRC/tests/fix/in.restart-part" -var first 2 -var after 0 || fail "first part failed"
printf 'notes about this run\n' > samples.xyz
run "$SRC/tests/fix/in.restart-resume" -var rest 2 && fail "a file that is not the fix's samples was continued"
grep -q "samples.xyz line 1: expected the atom count 9 of a sample frame, got 'notes about this run'" run.out \
  || { cat run.out; fail "no error naming samples.xyz line 1"; }
[ "$(cat samples.xyz)" = "notes about this run" ] || fail "the refused file was changed"
echo "ok: a foreign file is refused and kept"
