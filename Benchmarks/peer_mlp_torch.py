"""PyTorch peer of the own-graph benchmark: eager autograd (loss.backward(), then p -= lr·grad under
no_grad) of 784-256-128-10 with biases (see mlp_common.py). Prints one JSON line as the shared peers do.

    python Benchmarks/peer_mlp_torch.py --epochs 2            # PEER_THREADS=N sets torch's threads
"""
import argparse
import os

import numpy as np
import torch

import mlp_common as M
from mlp_common import C

ap = argparse.ArgumentParser()
ap.add_argument('--epochs', type=int, default=2)
ap.add_argument('--warmup-steps', type=int, default=50)
args = ap.parse_args()
if os.environ.get('PEER_THREADS', '').isdigit():
    torch.set_num_threads(int(os.environ['PEER_THREADS']))
torch.set_num_interop_threads(1)

Xtr, ytr, Xte, yte = C.load()
lr, lam = C.LR, C.LAM
Xt, yt = torch.from_numpy(Xtr), torch.from_numpy(ytr)


def new_params():
    return [torch.from_numpy(p.copy()).requires_grad_() for p in M.init()]


def step(params, idx):
    a = Xt.index_select(0, idx)
    for i in range(0, len(params), 2):
        a = a @ params[i] + params[i + 1]
        if i + 2 < len(params):
            a = torch.relu(a)
    ce = torch.nn.functional.cross_entropy(a, yt.index_select(0, idx))
    loss = ce + lam * sum((w * w).sum() for w in params[0::2])
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return ce.detach()


wp = new_params()
wperm = np.random.default_rng(999).permutation(60000)
for i in range(args.warmup_steps):
    step(wp, torch.from_numpy(wperm[i * 128:(i + 1) * 128]))

params = new_params()
timer, accs, ces = C.EpochTimer(), [], []
for perm in C.epoch_perms(args.epochs):
    ce_list = []
    with timer:
        for idx in C.batches(perm):
            ce_list.append(step(params, torch.from_numpy(idx)))
    ces.append(float(np.mean([float(c) for c in ce_list])))
    accs.append(M.accuracy([p.detach().numpy() for p in params], Xte, yte))
C.report('torch-eager mlp-784-256-128-10', timer, accs,
         {'train_ce_by_epoch': ces, 'torch': torch.__version__, 'torch_threads': torch.get_num_threads()})
