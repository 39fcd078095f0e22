#!/usr/bin/env bash
# Reruns bench/GRADBENCH.md's table: every GradBench eval, zymase vs JAX vs manual C++, one
# tool at a time, back to back per input (bench/gradbench_relay.py).  About 15 min on 2 cores.
#   GB=/path/to/gradbench OUT=/tmp/gb bash bench/gradbench_run_all.sh [eval ...]
# GB: a GradBench checkout (commit f26651a7) with cpp/json.hpp present and
# tools/manual/bin built (see GRADBENCH.md, "Recreating").  Tables go to $OUT/table.md.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
GB="${GB:-/work/scratch/gradbench}"
OUT="${OUT:-/tmp/gradbench_out}"
ROUNDS="${ROUNDS:-3}"
RUNS="--min-runs ${MIN_RUNS:-3} --min-seconds ${MIN_SECONDS:-0.1}"
PY="${PYTHON:-python}"
mkdir -p "$OUT"
Z="zymase=PYTHONPATH=$ROOT $PY -m zymase.gradbench"
J="jax=$PY $HERE/gradbench_jax_sync.py"
M="manual=$PY $HERE/gradbench_manual.py"
# The input subsets (the same for all three tools); why these: GRADBENCH.md, "Inputs".
# A name with a dash (ht-simple) runs the eval before the dash under that name.
declare -A ARGS=(
  [hello]=""
  [lse]="-n 2500 10000 40000 160000 640000"
  [llsq]="-n 16 64 256 1024 4096 16392"
  [ode]="-n 1000 10000 100000 -s 1 10"
  [gmm]="-d 2 10 20 32 64 -k 5 25"
  [kmeans]="-k 10 100 -n 1000 10000 -d 8 16"
  [lstm]="-l 2 4 -c 1024 4096"
  [ba]="--min 1 --max 6"
  [ht]="--min 1 --max 5"
  [ht-simple]="--min 1 --max 5 --variant simple"
  [det]="-l 5 6 7 8 9"
  [particle]=""
  [saddle]=""
)
EVALS=("$@")
[ ${#EVALS[@]} -eq 0 ] && EVALS=(hello lse llsq ode gmm kmeans lstm ba ht ht-simple det particle saddle)
for name in "${EVALS[@]}"; do
  ev="${name%%-*}"
  rm -f "$OUT/$name.jsonl"
  t0=$(date +%s)
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  PYTHONPATH="$ROOT" "$PY" "$HERE/gradbench_relay.py" --gradbench "$GB" --eval "$ev" --name "$name" \
    --eval-args "${ARGS[$name]} $RUNS" --tool "$Z" --tool "$J" --tool "$M" --rounds "$ROUNDS" \
    --out "$OUT/$name.jsonl" --log "$OUT/$name.stderr.log" --save-inputs "$OUT/inputs" \
    2>"$OUT/$name.relay.log"
  echo "   $name: $(( $(date +%s) - t0 )) s, $(grep -c . "$OUT/$name.jsonl" 2>/dev/null) records"
done
"$PY" "$HERE/gradbench_table.py" "$OUT"/*.jsonl > "$OUT/table.md"
echo "table: $OUT/table.md"
