#!/usr/bin/env bash
# Re-records the curated sessions by driving the real TUI in tmux, as a person would.
#   Sessions/make.sh            # all of them (the Fashion-MNIST one needs dataset-fashion-mnist)
#   Sessions/make.sh lesson     # only those whose file name contains "lesson"
# The files are recordings: replaying them re-executes the actions; --verify checks every digest.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -enable-testing >/dev/null
bin=$PWD/.build/release/backprop-tui
sock=$(mktemp -u /tmp/bp-sessions-XXXX)
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -f "$sock"' EXIT

# record FILE "TITLE" "DESCRIPTION" FLAGS...; keys on stdin, one per line: SECONDS-TO-WAIT-AFTER KEY
# (a tmux key name, :COMMAND typed at the command line, or =TEXT typed as is, e.g. a quiz answer)
only=${1:-}
record() {
    local file=$1 title=$2 desc=$3; shift 3
    if [[ -n $only && $file != *"$only"* ]]; then cat >/dev/null; return; fi
    rm -f "Sessions/$file"
    local cmd
    cmd=$(printf '%q ' env LANG=C.UTF-8 "$bin" --record "$PWD/Sessions/$file" --title "$title" --description "$desc" "$@")
    tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 "$cmd"
    sleep 1
    while read -r pause key; do
        case $key in
            :*) tmux -S "$sock" send-keys -l "$key"; tmux -S "$sock" send-keys Enter ;;
            =*) tmux -S "$sock" send-keys -l "${key#=}"; tmux -S "$sock" send-keys Enter ;;
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

# Lessons: each note (:mark) is the explanation, shown in a box as the replay reaches it (the replay
# pauses there; space goes on). Spirals, seed 7: m = 8 examples, 3 features (the third is a constant 1).
record lesson-1-forward-pass.jsonl "Lesson 1: the forward pass" \
  "Figure 6.11 computed node by node, from the minibatch X and the weights to the cost J, with one entry of a product written out." \
  --seed 7 <<'KEYS'
1 :mark Lesson 1, the forward pass. X holds a minibatch of m = 8 examples, one per row, with 3 features each; W1 (3×8) and W2 (8×3) are the weights. Each → computes one node of Figure 6.11.
0.8 Right
0.8 :mark U1 = X·W1 is 8×8: row r holds example r's 8 hidden pre-activations. Below, one entry written out: a sum over the 3 features.
0.8 :explain U1[0,5]
0.8 Right
0.8 :mark H = relu(U1) keeps the positive entries and zeroes the others. Which entries were zeroed decides, later, which gradients pass back.
0.8 :explain H[1,5]
0.8 Right
0.8 :mark U2 = H·W2: one row of 3 unnormalised log-probabilities (logits) per example, one per class.
0.8 Right
0.8 :mark J_MLE = cross_entropy(U2, y): for each example, log Σ e^logit minus the logit of its true class, averaged over the 8 rows.
0.8 :explain J_MLE
0.8 Right
0.8 Right
0.8 Right
0.8 Right
0.8 :mark The weight-decay branch: U3 = W1², u4 = ΣU3, U5 = W2², u6 = ΣU5. It does not look at the data at all.
0.8 Right
0.8 Right
0.8 :mark u7 = u4 + u6 and u8 = λ·u7: the penalty λ(ΣW1² + ΣW2²), small next to J_MLE with λ = 0.001.
0.8 :explain u8
0.8 Right
0.8 :mark J = J_MLE + u8, the cost the minibatch step descends. The forward pass is done; lesson 2 goes back down.
KEYS

record lesson-2-two-branches.jsonl "Lesson 2: the two branches into J" \
  "Back-propagation starts at J and splits: one branch through the weight decay, one through the cross-entropy. With the quiz on, each step asks first." \
  --seed 7 <<'KEYS'
0.8 b
1 :mark Lesson 2, the two branches into J. Back-propagation starts at J with ∂J/∂J = 1. J = J_MLE + u8, and add passes its gradient unchanged into both branches. The quiz asks before each step shows its result.
0.8 :quiz on
0.8 Right
0.8 =1x1
0.8 :mark Both contributions are 1×1 and equal to 1: a sum's inputs each get the whole gradient.
0.8 Right
0.8 =+
0.8 :mark u8 = λ·u7, so u7 receives λ·1 = 0.001: positive, because λ is.
0.8 Right
0.8 =0.001
0.8 :quiz off
0.8 :mark u7 = u4 + u6 passes λ to both: the decay branch carries λ down to U3 and U5, then 2·W·λ to the weights.
0.8 Right
0.8 Right
0.8 Right
0.8 Right
0.8 :explain grad_W1[0,0]
0.8 :mark The first half of ∇W1 J arrived from the decay branch: 2λW1. Now the other branch: the cross-entropy gives G = ∂J/∂U2.
0.8 Right
0.8 Right
0.8 :explain G[0,0]
0.8 :mark G = (softmax(U2) − onehot(y))/m: an example's predicted probabilities minus 1 at its true class, divided by m.
0.8 Right
0.8 :explain grad_W2[0,1]
0.8 :mark At U2, ∇W2 J receives its second contribution, Hᵀ G, and is complete: the engine added both branches' terms.
KEYS

record lesson-3-relu-mask.jsonl "Lesson 3: the relu mask and G'" \
  "At H = relu(U1) back-propagation keeps G W2ᵀ where U1 > 0 and zeroes it elsewhere: G'." \
  --seed 7 <<'KEYS'
1 :mark Lesson 3, the relu mask. At U2, back-propagation computed ∇H J = G W2ᵀ. Next is the step at H = relu(U1), which makes G' = ∇U1 J.
0.8 :goto grad_U2
0.8 :inspect U1
0.8 :mark These are the pre-activations U1 of the forward pass. relu'(u) is 1 where u > 0 and 0 where u ≤ 0: most entries here are negative.
0.8 :inspect
0.8 Right
0.8 :mark At H the rule ∇U1 J += ∇H J ⊙ [U1 > 0] ran: its tab →G' is ∇H J with the entries where U1 ≤ 0 zeroed, the forward pass's mask applied on the way back.
0.8 :explain grad_U1[0,5]
0.8 :mark U1[0,5] = 0.42 > 0: the gradient passes through unchanged.
0.8 :explain grad_U1[1,5]
0.8 :mark U1[1,5] < 0: whatever arrived is multiplied by 0. No gradient reaches W1 through this entry.
0.8 Right
0.8 :inspect G'
0.8 :mark At U1 = X·W1, G' arrives and Xᵀ G' sums over the examples: only those with U1 > 0 in column j move column j of W1.
0.8 :inspect
KEYS

record lesson-4-weight-decay.jsonl "Lesson 4: the weight-decay terms 2λW" \
  "Each weight gradient is a data term plus 2λW; an update W ← W − ε∇W J shrinks every weight by the factor 1 − 2ελ besides the data's push." \
  --seed 7 <<'KEYS'
1 :mark Lesson 4, weight decay. The cost adds λ(ΣW1² + ΣW2²). Its gradient with respect to a weight w is 2λw: every weight is pulled toward 0 in proportion to its size.
0.8 End
0.8 :explain decay_W2[0,1]
0.8 :mark The decay term 2λW2 as the engine makes it: at U5 = sqr(W2) the rule 2·W2·∇U5 J, with ∇U5 J = λ from the sum and the scale above.
0.8 :explain grad_W2[0,1]
0.8 :mark ∇W2 J = 2λW2 + Hᵀ G: two contributions, added in the order the engine ran them.
0.8 :explain grad_W1[2,5]
0.8 :mark The same for W1: ∇W1 J = 2λW1 + Xᵀ G'. Press n to apply W ← W − ε∇W J.
0.8 n
0.8 :mark The update is made: W shrank by 2ελW besides the data terms. Lesson 5 shows a unit that gets nothing but this decay.
KEYS

record lesson-5-dead-unit.jsonl "Lesson 5: a dead unit" \
  "Hidden unit 0 has U1 ≤ 0 for every example of the minibatch: its column of H is zero, its gradients are zero, and W1's column 0 only decays." \
  --seed 7 <<'KEYS'
1 :mark Lesson 5, a dead unit. A relu unit is dead for a minibatch when its pre-activation is ≤ 0 for every example: it outputs 0 and passes no gradient back.
0.8 End
0.8 :inspect U1
0.8 :mark Column 0 of U1 is negative in all 8 rows, so column 0 of H is zero: hidden unit 0 is dead for this minibatch.
0.8 :inspect G'
0.8 :mark Its column of G' is zero too: the mask zeroed every entry.
0.8 :explain XT_Gprime[0,0]
0.8 :mark Xᵀ G' for W1's column 0 sums X[r,0]·G'[r,0] over the rows: every term is 0.
0.8 :explain grad_W1[0,0]
0.8 :mark So ∇W1 J's column 0 is the weight decay alone: the unit is not trained, it only shrinks. A larger learning rate or a bad initialisation can leave many units like this.
0.8 :inspect
KEYS

# (i) A NaN hunt: a run that diverges, the breakpoint that stops it, the origin of the first Inf,
# a what-if edit that makes the step finite, and the fix.
record nan-hunt.jsonl "A NaN hunt" \
  "Training with ε = 10⁶ diverges. :break nonfinite stops it before the update whose backward pass is not finite, and steps to the tensor that made the first Inf. What-if edits show the weights are the fault; a smaller ε from fresh weights trains without a break." \
  <<'KEYS'
1 :mark ε = 10⁶ is far too large: the weights grow each update until something overflows. A breakpoint finds where.
1 :set lr 1e6
1 :break nonfinite
3 :train 200
2 :mark The update that broke was not made. The TUI stepped to the origin (red ✗ in the graph): the first tensor that is not finite although its inputs are.
2 :inspect W1
2 :mark W1's entries are huge after the updates made: their squares overflow float64.
2 :edit W1[*,*] = 0.1
2 :edit W2[*,*] = 0.1
2 :mark With sane weights the same minibatch's step is finite (the ✗ are gone; ΔJ is −inf): the fault is in the weights, not the data.
2 :undo
2 :undo
1 :inspect
1 :set lr 1
1 :reset
3 :train 200
2 :mark The fix: ε = 1 from fresh weights. 200 updates, and the breakpoint never held.
KEYS
