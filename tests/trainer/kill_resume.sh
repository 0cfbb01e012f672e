#!/usr/bin/env bash
# drift-train killed (SIGKILL) at random moments, a checkpoint (~3 MB) every step so that kills land
# inside checkpoint writes too, then --resume'd until done: the final model equals the
# uninterrupted run's bit for bit (samples compared byte for byte), the checkpoint path only ever
# holds a loadable checkpoint (every resume loads it), and no partial file is left at the model's path.
# Usage: kill_resume.sh <drift-train> <drift-sample> <source dir> <work dir> [kills]
# Mutations that make it fail (tried): checkpoints written in place instead of through a
# temporary file and rename (a resume hits a torn checkpoint); TorchScript's optimising executor
# (the resumed model differs).
set -uo pipefail
TRAIN="$1" SAMPLE="$2" SRC="$3" WORK="$4" KILLS="${5:-8}"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
config() {
  cat <<CONF
data: $SRC/potentials/ethanol-reference-500K.xyz
molecule: $SRC/examples/ethanol/ethanol.data
temperature: 500
max_frames: 300
method: drift
space: dist
generator: {noise_dim: 8, hidden: [512, 512]}
training: {steps: 600, batch: 64, positives: 64, lr: 1.0e-3, warmup: 5, seed: 5, threads: 1, log_every: 50, checkpoint_every: 1}
output: $1
CONF
}
config full.pt > full.yaml
config killed.pt > killed.yaml
start=$(date +%s%N)
"$TRAIN" -q full.yaml > /dev/null 2> full.err || { cat full.err; fail "the uninterrupted run failed"; }
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$SAMPLE" full.pt -d "$SRC/examples/ethanol/ethanol.data" -n 200 --seed 3 -o full.xyz > /dev/null 2>&1 || fail "drift-sample full.pt"

RANDOM=17  # the kill moments are random but the same in every run of this test
kills=0 resumes=0
for attempt in $(seq 1 40); do
  [ -e killed.pt ] && break
  args=(-q killed.yaml)
  [ -e killed.pt.ckpt ] && { args+=(--resume); resumes=$((resumes + 1)); }
  "$TRAIN" "${args[@]}" > /dev/null 2> "run$attempt.err" &
  disown -h 2> /dev/null
  pid=$!
  if [ "$kills" -lt "$KILLS" ]; then
    # Between 8% and 25% of an uninterrupted run's time: past the start-up, inside training.
    delay_ms=$(( full_ms * (8 + RANDOM % 18) / 100 ))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -9 "$pid" 2> /dev/null; then kills=$((kills + 1)); fi
  fi
  wait "$pid"
  rc=$?
  # A run that was not killed must succeed (a torn checkpoint would make --resume fail here).
  [ "$rc" -eq 0 ] || [ "$rc" -eq 137 ] || { cat "run$attempt.err"; fail "run $attempt exited with $rc"; }
  if [ -e killed.pt ] && [ "$rc" -eq 137 ]; then
    # Killed after the model was renamed into place: it must be whole (drift-sample loads it).
    "$SAMPLE" killed.pt -d "$SRC/examples/ethanol/ethanol.data" -n 2 -o probe.xyz > /dev/null 2>&1 || fail "a partial model was left"
  fi
done
[ -e killed.pt ] || fail "training did not finish in 40 attempts"
[ "$kills" -ge 3 ] && [ "$resumes" -ge 3 ] || fail "$kills kills and $resumes resumes: the test did not exercise resumes"
"$SAMPLE" killed.pt -d "$SRC/examples/ethanol/ethanol.data" -n 200 --seed 3 -o killed.xyz > /dev/null 2>&1 || fail "drift-sample killed.pt"
cmp -s full.xyz killed.xyz || fail "after $kills kills and $resumes resumes the model differs from the uninterrupted run's"
echo "ok: $kills kills (SIGKILL), $resumes resumes: the same model as the uninterrupted run, bit for bit"
