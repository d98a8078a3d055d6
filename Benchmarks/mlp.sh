#!/usr/bin/env bash
# The own-graph benchmark (#25): Benchmarks/mlp-784-256-128-10.txt (784-256-128-10 with biases, relu,
# cross-entropy, weight decay, float32, batch 128, lr 0.1, λ 1e-4) trained on Fashion-MNIST by the
# general engine (`--batch --graph`), beside the same model in JAX (jit(value_and_grad)) and in
# PyTorch eager (Benchmarks/peer_mlp_jax.py, peer_mlp_torch.py), at 1 thread and at 2.
#
#   PEER_PYTHON=/path/to/venv/bin/python Benchmarks/mlp.sh     # a Python with jax and torch
#   ROUNDS=5 EPOCHS=2 Benchmarks/mlp.sh
#
# Set-up of such a Python: python3 -m venv /tmp/peerenv && /tmp/peerenv/bin/pip install numpy jax jaxlib
# torch (the CPU build of torch is enough). Like Benchmarks/run.sh it runs in rounds, each running us
# and both peers back to back at one thread (pinned to one core with taskset), then at two, and takes
# the ratios within the round; the summary is the median of the rounds' ratios. The host drifts by
# ±15% from minute to minute: compare ratios, not absolute figures across runs.
# Needs dataset-fashion-mnist (or FASHION_MNIST_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-2}
ROUNDS=${ROUNDS:-3}
PY=${PEER_PYTHON:-python3}
GRAPH=Benchmarks/mlp-784-256-128-10.txt
swift build -c release >/dev/null 2>&1
bin=.build/release

ours() {  # threads -> samples/s (median of the epochs, as the peers' common.median: of 2, their mean) and the last test accuracy
    local t=$1 pin=""; [ "$t" = 1 ] && pin="taskset -c 0"
    local out sps acc
    out=$($pin $bin/backprop-tui --batch --data fashion-mnist --graph "$GRAPH" --epochs "$EPOCHS" --threads "$t")
    sps=$(echo "$out" | awk '/^epoch/ {for (i = 1; i <= NF; i++) if ($i == "samples/s") print $(i-1)}' |
        sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    acc=$(echo "$out" | awk '/^epoch/ {for (i = 1; i <= NF; i++) if ($i == "test_acc") a = $(i+1)} END {print a}')
    echo "$sps $acc"
}
peer() {  # command... -> samples/s median and the last test accuracy, or "- -"
    local out; out=$("$@" 2>/dev/null | tail -1) || { echo "- -"; return; }
    echo "$out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(round(d["samples_per_s_median"]), d["test_acc_by_epoch"][-1])' 2>/dev/null || echo "- -"
}
jax1() { peer taskset -c 0 env XLA_FLAGS='--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1' OMP_NUM_THREADS=1 PEER_THREADS=1 "$PY" Benchmarks/peer_mlp_jax.py --epochs "$EPOCHS"; }
jax2() { peer env PEER_THREADS=2 "$PY" Benchmarks/peer_mlp_jax.py --epochs "$EPOCHS"; }
torch1() { peer taskset -c 0 env OMP_NUM_THREADS=1 PEER_THREADS=1 "$PY" Benchmarks/peer_mlp_torch.py --epochs "$EPOCHS"; }
torch2() { peer env OMP_NUM_THREADS=2 PEER_THREADS=2 "$PY" Benchmarks/peer_mlp_torch.py --epochs "$EPOCHS"; }
ratio() { if [ "$2" != "-" ]; then printf "%.2f×" "$(echo "$1/$2" | bc -l)"; else echo "-"; fi; }
median() { printf "%s\n" "$@" | grep -v '^-$' | sed 's/×//' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.2f×", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); else print "-"}'; }

"$PY" -c "import jax, torch" 2>/dev/null || echo "   ($PY lacks jax or torch: set PEER_PYTHON to a Python with both; their columns show -)"
echo "== $GRAPH on Fashion-MNIST: $ROUNDS rounds of $EPOCHS epochs per run; samples/s: the median of the epochs (of 2, their mean; as the peers' common.median)"
printf "  %-5s %8s %8s %8s %7s %7s   %8s %8s %8s %7s %7s\n" round "ours 1t" "JAX 1t" "torch 1t" "/JAX" "/torch" \
    "ours 2t" "JAX 2t" "torch 2t" "/JAX" "/torch"
rj1=(); rt1=(); rj2=(); rt2=(); accs=()
for r in $(seq "$ROUNDS"); do
    read -r o1 a1 < <(ours 1); read -r j1 b1 < <(jax1); read -r t1 c1 < <(torch1)
    read -r o2 a2 < <(ours 2); read -r j2 b2 < <(jax2); read -r t2 c2 < <(torch2)
    rj1+=("$(ratio "$o1" "$j1")"); rt1+=("$(ratio "$o1" "$t1")"); rj2+=("$(ratio "$o2" "$j2")"); rt2+=("$(ratio "$o2" "$t2")")
    accs+=("ours $a1/$a2 JAX $b1/$b2 torch $c1/$c2")
    printf "  %-5s %8s %8s %8s %7s %7s   %8s %8s %8s %7s %7s\n" "$r" "$o1" "$j1" "$t1" "${rj1[-1]}" "${rt1[-1]}" \
        "$o2" "$j2" "$t2" "${rj2[-1]}" "${rt2[-1]}"
done
echo "  median ratios: 1 thread $(median "${rj1[@]}") JAX (goal 1.5×), $(median "${rt1[@]}") PyTorch (goal 2×);" \
     "2 threads $(median "${rj2[@]}") JAX, $(median "${rt2[@]}") PyTorch"
echo "  test accuracy after $EPOCHS epochs (1t/2t): ${accs[-1]}"
