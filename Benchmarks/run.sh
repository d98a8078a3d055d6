#!/usr/bin/env bash
# backprop-tui benchmark: start-up, GEMM GFLOP/s per step shape, the fused step, TUI frame times,
# then Fashion-MNIST epochs at 1 and 2 threads (samples/s, peak RSS, time to first step) in rounds
# beside the peers in ../shared/peers.
#
#   Benchmarks/run.sh                 # everything available
#   EPOCHS=2 Benchmarks/run.sh        # more epochs for the peers' medians
#   PEER_PYTHON=/path/to/venv/bin/python Benchmarks/run.sh   # a Python with jax (and numpy) for the JAX peer
#   ROUNDS=5 Benchmarks/run.sh        # more rounds of the epoch comparison (default 3)
#
# The epoch comparison runs in rounds: each round runs us and every peer at one thread, then at two,
# back to back, and takes the ratio within the round. This host drifts by ±15% from minute to
# minute and sometimes runs two-thread work 30-50% slower for a while; a ratio of figures taken
# seconds apart shares that drift, one of figures taken minutes apart does not. The summary is the
# median of the rounds' ratios.
# The host column (`backprop-bench cores`) shows what the host gave the two threads around our
# two-thread run: the one-way latency between them (a counter bounced between the pool's threads;
# ~160 ns when the host puts the vCPUs on different dies, ~30-50 otherwise) and each one's FMA rate
# with both busy. Slow phases have come with either, and with neither.
#
# Needs dataset-fashion-mnist (or FASHION_MNIST_DIR). The machines are shared and noisy: compare the
# ratios measured in one run, not absolute figures across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-2}
ROUNDS=${ROUNDS:-3}
PEERS=${PEERS:-../shared/peers}
PY=${PEER_PYTHON:-python3}
swift build -c release >/dev/null
bin=.build/release

echo "== GEMM kernels and the fused step (784-256-10, m = 128)"
$bin/backprop-bench
echo
$bin/backprop-bench frames

rss() { awk '/Maximum resident set size/ {print $6}' "$1"; }
ours() {  # threads -> prints samples/s (median of the epochs, as the peers' common.median) and peak RSS
    local t=$1 log; log=$(mktemp)
    local pin=""; [ "$t" = 1 ] && pin="taskset -c 0"
    /usr/bin/time -v $pin $bin/backprop-tui --batch --data fashion-mnist --epochs "$EPOCHS" --threads "$t" >"$log.out" 2>"$log"
    local sps first acc
    sps=$(grep '^epoch' "$log.out" | awk '{for(i=1;i<=NF;i++) if ($i=="samples/s") print $(i-1)}' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    first=$(grep 'first step at' "$log.out" | sed 's/.*first step at \([0-9.]*\) s.*/\1/')
    acc=$(grep '^summary: train_acc' "$log.out" | awk '{print $5}')
    echo "$sps $(rss "$log") $first $acc"
    rm -f "$log" "$log.out"
}

peer() {  # command... -> samples/s median, or "-"
    local out; out=$(cd "$PEERS" && "$@" 2>/dev/null | tail -1) || { echo "-"; return; }
    echo "$out" | python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read())["samples_per_s_median"]))' 2>/dev/null || echo "-"
}
havejax=0
[ -d "$PEERS" ] && "$PY" -c "import jax" 2>/dev/null && havejax=1
peers1() {  # -> "numpy jax" at one thread (pinned with taskset: JAX's flags alone still used 1.7 cores here)
    local n=- j=-
    if [ -d "$PEERS" ]; then
        n=$(peer taskset -c 0 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PEER_THREADS=1 python3 peer_numpy.py --epochs "$EPOCHS")
        [ $havejax = 1 ] && j=$(peer taskset -c 0 env XLA_FLAGS='--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1' OMP_NUM_THREADS=1 PEER_THREADS=1 "$PY" peer_jax.py --epochs "$EPOCHS")
    fi
    echo "$n $j"
}
peers2() {
    local n=- j=-
    if [ -d "$PEERS" ]; then
        n=$(peer env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 PEER_THREADS=2 python3 peer_numpy.py --epochs "$EPOCHS")
        [ $havejax = 1 ] && j=$(peer env PEER_THREADS=2 "$PY" peer_jax.py --epochs "$EPOCHS")
    fi
    echo "$n $j"
}
best() { printf "%s\n" "$@" | grep -v '^-$' | sort -n | tail -1; }
ratio() { if [ -n "$2" ]; then printf "%.2f×" "$(echo "$1/$2" | bc -l)"; else echo "-"; fi; }
median() { printf "%s\n" "$@" | grep -v '^-$' | sed 's/×//' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.2f×", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); else print "-"}'; }

echo
echo "== Fashion-MNIST epochs (784-256-10, batch 128, lr 0.1, λ 1e-4, float32): $ROUNDS rounds of $EPOCHS epochs per run,"
echo "   samples/s = median of a run's epochs (of 2, their mean, as the peers take it); ratio = ours / the faster peer in the same round;"
echo "   host = just before and after our 2-thread run: ns one way between the two threads (~30-50 on"
echo "   one die, ~160 on two) and each thread's G FMA/s with both busy (~57 here; 47 seen in a slow phase)"
[ -d "$PEERS" ] || echo "   (no peers at $PEERS)"
[ -d "$PEERS" ] && [ $havejax = 0 ] && echo "   (no jax for $PY: set PEER_PYTHON to a Python with jax installed)"
printf "  %-5s %9s %9s %9s %7s   %9s %9s %9s %7s  %s\n" round "numpy 1t" "JAX 1t" "ours 1t" ratio "numpy 2t" "JAX 2t" "ours 2t" ratio host
rs1=(); rs2=(); maxrss=0; maxfirst=0; accs=()
for r in $(seq "$ROUNDS"); do
    read -r o1 m1 f1 a1 < <(ours 1); read -r n1 j1 < <(peers1)
    c0=$($bin/backprop-bench cores); read -r o2 m2 f2 a2 < <(ours 2); c1=$($bin/backprop-bench cores); read -r n2 j2 < <(peers2)
    # The faster peer at two threads may be a one-thread run (numpy's BLAS threads sometimes lose).
    q1=$(ratio "$o1" "$(best "$n1" "$j1")"); q2=$(ratio "$o2" "$(best "$n2" "$j2" "$n1" "$j1")")
    rs1+=("$q1"); rs2+=("$q2"); accs+=("$a1" "$a2")
    for m in $m1 $m2; do [ "$m" -gt "$maxrss" ] && maxrss=$m; done
    maxfirst=$(printf "%s\n" "$maxfirst" "$f1" "$f2" | sort -n | tail -1)
    printf "  %-5s %9s %9s %9.0f %7s   %9s %9s %9.0f %7s  %s\n" "$r" "$n1" "$j1" "$o1" "$q1" "$n2" "$j2" "$o2" "$q2" "$c0, $c1"
done
echo "  median ratio to the faster peer: 1 thread $(median "${rs1[@]}") (goal 1.3×), 2 threads $(median "${rs2[@]}") (goal 2×)"
printf "  peak RSS (largest run) %.1f MB; first step at most %.3f s after start; test_acc after %s epochs: %s\n" \
    "$(echo "$maxrss/1024" | bc -l)" "$maxfirst" "$EPOCHS" "$(printf "%s\n" "${accs[@]}" | sort -u | tr '\n' ' ')"
