#!/usr/bin/env bash
# Alternating A/B runs of two backprop-tui builds on Fashion-MNIST, for telling a change's effect
# from this shared host's drift (±15% between runs; alternating puts both builds in the same drift).
#
#   Benchmarks/ab.sh OLD_BINARY NEW_BINARY [THREADS] [ROUNDS]
#   EXTRA="--graph Benchmarks/mlp-784-256-128-10.txt" Benchmarks/ab.sh …   # flags added to both
#
# e.g. build the old commit in a worktree:
#   git worktree add /tmp/old HEAD~1 && (cd /tmp/old && swift build -c release)
#   Benchmarks/ab.sh /tmp/old/.build/release/backprop-tui .build/release/backprop-tui 2 8
# Each round runs A then B for 2 epochs; prints every epoch's samples/s, then the medians.
set -euo pipefail
A=$1; B=$2; T=${3:-1}; R=${4:-5}
pin=""; [ "$T" = 1 ] && pin="taskset -c 0"
out=$(mktemp)
for _ in $(seq "$R"); do
    for X in A B; do
        bin=${!X}
        v=$($pin "$bin" --batch --data fashion-mnist --threads "$T" --epochs 2 ${EXTRA:-} | grep '^epoch' | awk '{print $(NF-1)}' | tr '\n' ' ')
        echo "$X $v" | tee -a "$out"
    done
done
for X in A B; do
    grep "^$X" "$out" | awk '{for (i = 2; i <= NF; i++) print $i}' | sort -n |
        awk -v x="$X" '{a[NR] = $1} END {printf "%s: %d epochs, median %d samples/s (min %d, max %d)\n", x, NR, a[int((NR + 1) / 2)], a[1], a[NR]}'
done
rm -f "$out"
