#!/usr/bin/env bash
# What breakpoints cost: the same training with and without `--break-on nonfinite --break-on
# 'norm(grad_W1) > 1e6'` (which never holds), alternating in rounds so that both see the host's
# drift, on Fashion-MNIST. Prints every run's samples/s (mean of its epochs), then medians and the ratio.
#
#   Benchmarks/breakpoints.sh [GRAPH] [THREADS] [ROUNDS]
#   Benchmarks/breakpoints.sh Benchmarks/mlp-784-256-128-10.txt 1 6   # the engine's benchmark model
#   Benchmarks/breakpoints.sh Graphs/figure-6.11.txt 1 6               # Figure 6.11 (fused without probes)
set -euo pipefail
cd "$(dirname "$0")/.."
G=${1:-Benchmarks/mlp-784-256-128-10.txt}; T=${2:-1}; R=${3:-6}
bin=.build/release/backprop-tui
[ -x "$bin" ] || swift build -c release --product backprop-tui >/dev/null
pin=""; [ "$T" = 1 ] && pin="taskset -c 0"
out=$(mktemp)
for _ in $(seq "$R"); do
    for mode in plain probes; do
        extra=(); [ $mode = probes ] && extra=(--break-on nonfinite --break-on 'norm(grad_W1) > 1e6')
        v=$($pin $bin --batch --data fashion-mnist --graph "$G" --threads "$T" --epochs 2 "${extra[@]}" |
            grep '^epoch' | awk '{s += $(NF-1); n++} END {printf "%d", s / n}')
        echo "$mode $v" | tee -a "$out"
    done
done
for mode in plain probes; do
    grep "^$mode" "$out" | awk '{print $2}' | sort -n | awk -v m=$mode '{a[NR] = $1} END {print m, a[int((NR + 1) / 2)]}'
done | tee "$out.med"
awk '{v[$1] = $2} END {printf "probes/plain: %.3f (median samples/s %d vs %d)\n", v["probes"] / v["plain"], v["probes"], v["plain"]}' "$out.med"
# Paired: each round's probes run over the plain run just before it (sorted by `sort`: mawk has no asort).
ratios=$(paste -d' ' <(grep '^plain' "$out" | awk '{print $2}') <(grep '^probes' "$out" | awk '{print $2}') |
    awk '{printf "%.3f\n", $2 / $1}' | sort -n)
echo "paired ratios: $(echo $ratios) (median $(echo "$ratios" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'))"
rm -f "$out" "$out.med"
