#!/usr/bin/env bash
# backprop-tui benchmark: GEMM GFLOP/s per step shape, one Fashion-MNIST epoch at 1 and 2 threads
# (samples/s, peak RSS, time to first step), and the peers in ../shared/peers side by side.
#
#   Benchmarks/run.sh                 # everything available
#   EPOCHS=2 Benchmarks/run.sh        # more epochs for the peers' medians
#   PEER_PYTHON=/path/to/venv/bin/python Benchmarks/run.sh   # a Python with jax (and numpy) for the JAX peer
#
# Needs dataset-fashion-mnist (or FASHION_MNIST_DIR). The machines are shared and noisy: compare the
# ratios measured in one run, not absolute figures across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-2}
PEERS=${PEERS:-../shared/peers}
PY=${PEER_PYTHON:-python3}
swift build -c release >/dev/null
bin=.build/release

echo "== GEMM kernels and the fused step (784-256-10, m = 128)"
$bin/backprop-bench
echo
$bin/backprop-bench frames

rss() { awk '/Maximum resident set size/ {print $6}' "$1"; }
ours() {  # threads -> prints samples/s (median epoch) and peak RSS
    local t=$1 log; log=$(mktemp)
    local pin=""; [ "$t" = 1 ] && pin="taskset -c 0"
    /usr/bin/time -v $pin $bin/backprop-tui --batch --data fashion-mnist --epochs "$EPOCHS" --threads "$t" >"$log.out" 2>"$log"
    local sps first acc
    sps=$(grep '^epoch' "$log.out" | awk '{for(i=1;i<=NF;i++) if ($i=="samples/s") print $(i-1)}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    first=$(grep 'first step at' "$log.out" | sed 's/.*first step at \([0-9.]*\) s.*/\1/')
    acc=$(grep '^summary: train_acc' "$log.out" | awk '{print $5}')
    echo "$sps $(rss "$log") $first $acc"
    rm -f "$log" "$log.out"
}

echo
echo "== backprop-tui --batch --data fashion-mnist --epochs $EPOCHS (batch 128, lr 0.1, λ 1e-4, float32)"
read -r o1 r1 f1 a1 < <(ours 1)
read -r o2 r2 f2 a2 < <(ours 2)
printf "  1 thread : %8.0f samples/s  peak RSS %6.1f MB  first step %.3f s  test_acc %s\n" "$o1" "$(echo "$r1/1024" | bc -l)" "$f1" "$a1"
printf "  2 threads: %8.0f samples/s  peak RSS %6.1f MB  first step %.3f s  test_acc %s\n" "$o2" "$(echo "$r2/1024" | bc -l)" "$f2" "$a2"

peer() {  # label command... -> samples/s median, or "-"
    shift; local out; out=$(cd "$PEERS" && "$@" 2>/dev/null | tail -1) || { echo "-"; return; }
    echo "$out" | python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read())["samples_per_s_median"]))' 2>/dev/null || echo "-"
}
if [ -d "$PEERS" ]; then
    echo
    echo "== peers ($PEERS), $EPOCHS epochs each"
    # One-core peers are pinned with taskset: JAX's flags alone still used 1.7 cores here.
    n1=$(peer numpy1 taskset -c 0 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PEER_THREADS=1 python3 peer_numpy.py --epochs "$EPOCHS")
    n2=$(peer numpy2 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 PEER_THREADS=2 python3 peer_numpy.py --epochs "$EPOCHS")
    j1=-; j2=-
    if "$PY" -c "import jax" 2>/dev/null; then
        j1=$(peer jax1 taskset -c 0 env XLA_FLAGS='--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1' OMP_NUM_THREADS=1 PEER_THREADS=1 "$PY" peer_jax.py --epochs "$EPOCHS")
        j2=$(peer jax2 env PEER_THREADS=2 "$PY" peer_jax.py --epochs "$EPOCHS")
    else
        echo "  (no jax for $PY: set PEER_PYTHON to a Python with jax installed)"
    fi
    printf "  %-22s %12s %12s\n" "" "1 thread" "2 threads"
    printf "  %-22s %12s %12s\n" "numpy (OpenBLAS)" "$n1" "$n2"
    printf "  %-22s %12s %12s\n" "JAX (jit)" "$j1" "$j2"
    printf "  %-22s %12.0f %12.0f\n" "backprop-tui" "$o1" "$o2"
    best() { printf "%s\n" "$@" | grep -v '^-$' | sort -n | tail -1; }
    b1=$(best "$n1" "$j1"); b2=$(best "$n2" "$j2" "$n1" "$j1")
    [ -n "$b1" ] && printf "  ratio to the fastest peer: 1 thread %.2f× (goal 1.3×)" "$(echo "$o1/$b1" | bc -l)"
    [ -n "$b2" ] && printf ", 2 threads %.2f× (goal 2×)\n" "$(echo "$o2/$b2" | bc -l)"
fi
