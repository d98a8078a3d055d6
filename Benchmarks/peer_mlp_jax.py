"""JAX peer of the own-graph benchmark: jit(value_and_grad) of one SGD step of 784-256-128-10 with
biases (see mlp_common.py). Prints one JSON line as the shared peers do.

    python Benchmarks/peer_mlp_jax.py --epochs 2
    XLA_FLAGS='--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1' taskset -c 0 \
        python Benchmarks/peer_mlp_jax.py --epochs 2     # one thread
"""
import argparse
import functools

import numpy as np
import jax
import jax.numpy as jnp

import mlp_common as M
from mlp_common import C

ap = argparse.ArgumentParser()
ap.add_argument('--epochs', type=int, default=2)
ap.add_argument('--warmup-steps', type=int, default=50)
args = ap.parse_args()

Xtr, ytr, Xte, yte = C.load()
lr, lam = C.LR, C.LAM


def loss_fn(params, x, y):
    a = x
    for i in range(0, len(params), 2):
        a = a @ params[i] + params[i + 1]
        if i + 2 < len(params):
            a = jax.nn.relu(a)
    logp = jax.nn.log_softmax(a, axis=-1)
    ce = -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))
    return ce + lam * sum(jnp.sum(w * w) for w in params[0::2]), ce


@functools.partial(jax.jit, donate_argnums=0)
def step(params, x, y):
    (_, ce), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, x, y)
    return tuple(p - lr * g for p, g in zip(params, grads)), ce


ytr32 = ytr.astype(np.int32)
# warm-up: compiles both batch shapes (128 and the epoch's last 96) on throwaway parameters
wp = tuple(jnp.asarray(p) for p in M.init())
wperm = np.random.default_rng(999).permutation(60000)
for i in range(args.warmup_steps):
    idx = wperm[i * 128:(i + 1) * 128]
    wp, _ = step(wp, Xtr[idx], ytr32[idx])
wp, _ = step(wp, Xtr[wperm[:96]], ytr32[wperm[:96]])
jax.block_until_ready(wp)

params = tuple(jnp.asarray(p) for p in M.init())
timer, accs, ces = C.EpochTimer(), [], []
for perm in C.epoch_perms(args.epochs):
    ce_list = []
    with timer:
        for idx in C.batches(perm):
            params, ce = step(params, np.take(Xtr, idx, axis=0), np.take(ytr32, idx))
            ce_list.append(ce)
        jax.block_until_ready(params)
    ces.append(float(np.mean([float(c) for c in ce_list])))
    accs.append(M.accuracy([np.asarray(p) for p in params], Xte, yte))
C.report('jax-jit-value_and_grad mlp-784-256-128-10', timer, accs,
         {'train_ce_by_epoch': ces, 'jax': jax.__version__, 'jaxlib': __import__('jaxlib').__version__})
