"""A float64 numpy trainer of Figure 6.11 (the peer of backprop-tui's float64 runs, which the shared
peers, all float32, do not cover). The model, data, initialisation, epoch orders and reporting are
those of ../shared/peers (common.py); only the arithmetic is float64.

    python3 Benchmarks/peer_numpy64.py --epochs 2      # PEERS=path/to/peers if not ../shared/peers
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.environ.get('PEERS', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'peers')))
import common as C  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--epochs', type=int, default=2)
ap.add_argument('--warmup-steps', type=int, default=50)
args = ap.parse_args()

Xtr, ytr, Xte, yte = C.load()
f64 = np.float64
Xtr, Xte = Xtr.astype(f64), Xte.astype(f64)   # the pixels as float64 (byte / 255 in float32 first, as the peers)
B, lr, two_lam = C.BATCH, f64(C.LR), f64(2 * C.LAM)

Xb = np.empty((B, C.N_IN), f64); yb = np.empty(B, np.int64)
U1 = np.empty((B, C.N_HID), f64); H = np.empty_like(U1); MASK = np.empty((B, C.N_HID), bool)
U2 = np.empty((B, C.N_OUT), f64); G = np.empty_like(U2); ROWMAX = np.empty((B, 1), f64); ROWSUM = np.empty((B, 1), f64)
GH = np.empty((B, C.N_HID), f64)
dW1 = np.empty((C.N_IN, C.N_HID), f64); T1 = np.empty_like(dW1)
dW2 = np.empty((C.N_HID, C.N_OUT), f64); T2 = np.empty_like(dW2)
ar = np.arange(B)


def step(W1, W2, idx):
    m = len(idx)
    x, y = Xb[:m], yb[:m]
    np.take(Xtr, idx, axis=0, out=x); np.take(ytr, idx, out=y)
    u1, h, u2, g, gh, mask = U1[:m], H[:m], U2[:m], G[:m], GH[:m], MASK[:m]
    np.matmul(x, W1, out=u1)                   # U1 = X W1
    np.maximum(u1, 0, out=h)                   # H = relu(U1)
    np.matmul(h, W2, out=u2)                   # U2 = H W2
    np.max(u2, axis=1, keepdims=True, out=ROWMAX[:m])
    np.subtract(u2, ROWMAX[:m], out=g); np.exp(g, out=g)
    np.sum(g, axis=1, keepdims=True, out=ROWSUM[:m]); np.divide(g, ROWSUM[:m], out=g)
    ce = -np.log(g[ar[:m], y]).mean()
    g[ar[:m], y] -= 1
    g *= f64(1.0 / m)                          # G
    np.matmul(h.T, g, out=dW2)                 # Hᵀ G
    np.multiply(W2, two_lam, out=T2); np.add(dW2, T2, out=dW2)
    np.matmul(g, W2.T, out=gh)                 # G W2ᵀ
    np.greater(u1, 0, out=mask); gh *= mask    # G'
    np.matmul(x.T, gh, out=dW1)                # Xᵀ G'
    np.multiply(W1, two_lam, out=T1); np.add(dW1, T1, out=dW1)
    np.multiply(dW2, lr, out=dW2); np.subtract(W2, dW2, out=W2)
    np.multiply(dW1, lr, out=dW1); np.subtract(W1, dW1, out=W1)
    return ce


W1, W2 = (w.astype(f64) for w in C.he_init())
w1, w2 = W1.copy(), W2.copy()
wperm = np.random.default_rng(999).permutation(60000)
for i in range(args.warmup_steps):
    step(w1, w2, wperm[i * B:(i + 1) * B])

timer, accs, ces = C.EpochTimer(), [], []
for e, perm in enumerate(C.epoch_perms(args.epochs)):
    bl = C.batches(perm)
    tot = 0.0
    with timer:
        for idx in bl:
            tot += step(W1, W2, idx)
    ces.append(float(tot / len(bl)))
    accs.append(C.accuracy_np(W1, W2, Xte, yte))
C.report('numpy-handwritten-float64', timer, accs, {'train_ce_by_epoch': ces, 'numpy': np.__version__})
