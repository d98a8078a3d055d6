#!/usr/bin/env bash
# Re-records the curated sessions by driving the real TUI in tmux, as a person would.
#   Sessions/make.sh            # all three (the Fashion-MNIST one needs dataset-fashion-mnist)
# The files are recordings: replaying them re-executes the actions; --verify checks every digest.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -enable-testing >/dev/null
bin=$PWD/.build/release/backprop-tui
sock=$(mktemp -u /tmp/bp-sessions-XXXX)
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -f "$sock"' EXIT

# record FILE "TITLE" "DESCRIPTION" FLAGS...; keys on stdin, one per line: SECONDS-TO-WAIT-AFTER KEY
# (a tmux key name, or :COMMAND typed at the command line)
record() {
    local file=$1 title=$2 desc=$3; shift 3
    rm -f "Sessions/$file"
    local cmd
    cmd=$(printf '%q ' env LANG=C.UTF-8 "$bin" --record "$PWD/Sessions/$file" --title "$title" --description "$desc" "$@")
    tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 "$cmd"
    sleep 1
    while read -r pause key; do
        case $key in
            :*) tmux -S "$sock" send-keys -l "$key"; tmux -S "$sock" send-keys Enter ;;
            *) tmux -S "$sock" send-keys "$key" ;;
        esac
        sleep "$pause"
    done
    tmux -S "$sock" send-keys q
    sleep 0.5
    tmux -S "$sock" kill-server 2>/dev/null || true
    $bin --replay "Sessions/$file" --verify
}

# (a) The forward pass, then back-propagation node by node down both branches; Tab shows each
# step's matrices (G, G W2ᵀ, Hᵀ G at U2; G' at relu; Xᵀ G' at U1; 2λW at the sqr nodes).
record figure-6.11-tour.jsonl "Figure 6.11, node by node" \
  "The book's MLP (section 6.5.7): the forward pass, then back-propagation from J down both branches, cross-entropy and weight decay. Markers at each back-propagation node are named after the quantities it produces: G, Hᵀ G, G W2ᵀ, G', Xᵀ G', 2λW1, 2λW2." \
  --seed 7 <<'KEYS'
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.2 Right
1.5 Right
1 Right
1 Right
1 Right
1.5 Right
2 Tab
1 Right
1.5 Right
2 Tab
1.5 Right
2 Tab
1.5 Right
2 Tab
2 Tab
1.5 Right
2 Tab
2 Right
1.5 Tab
1.5 Tab
1.5 Tab
1.5 Tab
1.5 Tab
1.5 Tab
1.5 Tab
2.5 :check
1 Escape
KEYS

# (b) Training on the embedded spirals until the loss curve flattens.
record spiral-training.jsonl "Training on the spirals until the loss flattens" \
  "Minibatch SGD on the embedded 3-class spirals with 32 hidden units: single updates first, then hundreds at a time; the loss curve flattens and accuracy climbs past 90%." \
  --seed 11 --hidden 32 --batch-size 32 <<'KEYS'
1.5 End
1 n
1 n
1 n
1.5 t
1.5 t
1.5 t
1.5 t
2 :train 500
2 :train 500
2.5 :train 1000
2 End
KEYS

# (c) Fashion-MNIST: inputs and W1 filters as pictures, before and after an epoch.
if [ -d "${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}" ]; then
record fashion-mnist-filters.jsonl "Fashion-MNIST: inputs and W1 filters" \
  "Needs Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist). 784-16-10 on 28×28 images: the minibatch's inputs, a column of W1 and of ∇W1 J drawn as pictures, before and after one epoch." \
  --data fashion-mnist --hidden 16 --batch-size 16 --lr 0.1 --seed 3 <<'KEYS'
1.5 End
2 Tab
1.5 ]
1.5 ]
3 e
2 End
1.5 ]
1.5 ]
1.5 [
KEYS
else
    echo "Sessions/make.sh: dataset-fashion-mnist is not installed; fashion-mnist-filters.jsonl not re-recorded" >&2
fi
