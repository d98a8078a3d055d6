#!/usr/bin/env bash
# The TUI's training against --batch's (#24), float64 beside float32, with numpy trainers of the same
# model as peers (float64: Benchmarks/peer_numpy64.py; float32: ../shared/peers/peer_numpy.py).
#
#   Benchmarks/tui.sh               # 3 rounds; ROUNDS=5 for more; needs dataset-fashion-mnist
#
# 1. In process (backprop-bench tui-epoch): one Fashion-MNIST epoch, 784-256-10, m = 128, lr 0.1,
#    λ 1e-4, as --batch's loop makes it and as the TUI's `e` makes it (slices of 40 ms of the same
#    loop, a 120×40 frame rendered after each), best of ROUNDS; the frame gaps while training and
#    the time from Esc to the stopped state.
# 2. In a real terminal (tmux): Esc during `:train 100000` until the screen says "stopped", and a
#    key during training until the next frame shows it (polling the pane every 5 ms: an upper bound).
# 3. The numpy peers' epochs, at 1 and 2 threads.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
PEERS=${PEERS:-../shared/peers}
swift build -c release >/dev/null
bin=.build/release
for t in 1 2; do $bin/backprop-bench tui-epoch "$t" "$ROUNDS"; done

echo
echo "== in tmux (120×40), Fashion-MNIST 784-256-10, float64, 2 threads; ms from tmux send-keys until the pane"
echo "   shows the change (capture-pane polled every 5 ms: an upper bound, which the first line measures)"
sock=$(mktemp -u /tmp/bp-tui-bench-XXXX)
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -f "$sock"' EXIT
tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 \
    "env LANG=C.UTF-8 $PWD/$bin/backprop-tui --data fashion-mnist --hidden 256 --batch-size 128 --lambda 1e-4 --lr 0.1; sleep 60"
pane() { tmux -S "$sock" capture-pane -p; }
until pane | grep -q 'step 0/22'; do sleep 0.05; done
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
idle=(); keys=(); stops=()
for i in 1 2 3 4 5; do
    t0=$(date +%s%N); tmux -S "$sock" send-keys '?'
    until pane | grep -q 'help: keys'; do sleep 0.005; done
    idle+=("$(ms "$t0")"); tmux -S "$sock" send-keys '?'; sleep 0.2
    tmux -S "$sock" send-keys -l ':train 100000'; tmux -S "$sock" send-keys Enter
    until pane | grep -q 'training \['; do sleep 0.01; done
    sleep 0.5
    t0=$(date +%s%N); tmux -S "$sock" send-keys Tab
    until pane | grep -q '1 key typed ahead'; do sleep 0.005; done
    keys+=("$(ms "$t0")"); sleep 0.2
    t0=$(date +%s%N); tmux -S "$sock" send-keys Escape
    until pane | grep -q 'stopped after'; do sleep 0.005; done
    stops+=("$(ms "$t0")")
    sleep 0.2
done
# A whole epoch in the real TUI (e until the screen says it is done, accuracy measured) beside the
# same epoch in --batch (the process's time after its first step: the epoch, its accuracy, the summary).
epochs_tui=(); epochs_batch=()
for i in 1 2 3; do
    tmux -S "$sock" send-keys -l ':reset'; tmux -S "$sock" send-keys Enter
    until pane | grep -q 'reset: new weights'; do sleep 0.01; done
    t0=$(date +%s%N); tmux -S "$sock" send-keys e
    until pane | grep -q '469 updates: J'; do sleep 0.1; done
    epochs_tui+=("$(ms "$t0")")
    t0=$(date +%s%N)
    first=$($bin/backprop-tui --batch --data fashion-mnist --hidden 256 --batch-size 128 --lambda 1e-4 --lr 0.1 \
        --precision float64 --rng numpy --seed 1234 --epochs 1 | sed -n 's/.*first step at \([0-9.]*\) s.*/\1/p')
    epochs_batch+=("$(( $(ms "$t0") - $(printf '%.0f' "$(echo "$first * 1000" | bc -l)") ))")
done
echo "  idle key → frame (the floor of this measurement): ${idle[*]}"
echo "  one epoch, e → done on screen: ${epochs_tui[*]}; the same epoch in --batch: ${epochs_batch[*]}"
echo "  key → frame while training: ${keys[*]}"
echo "  Esc → stopped on screen (ncurses waits 25 ms after Esc for a sequence): ${stops[*]}"
tmux -S "$sock" send-keys q

echo
echo "== numpy peers, one Fashion-MNIST epoch (median samples/s of 2 epochs)"
peer() { python3 "$@" --epochs 2 2>/dev/null | tail -1 | python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read())["samples_per_s_median"]))' || echo "-"; }
for t in 1 2; do
    pin=""; [ "$t" = 1 ] && pin="taskset -c 0"
    n64=$(env OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t PEERS="$PEERS" $pin bash -c "$(declare -f peer); peer Benchmarks/peer_numpy64.py")
    n32=$(cd "$PEERS" && env OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t PEER_THREADS=$t $pin bash -c "$(declare -f peer); peer peer_numpy.py")
    echo "  $t thread$([ "$t" = 1 ] || echo s): numpy float64 $n64 samples/s, numpy float32 $n32 samples/s"
done
