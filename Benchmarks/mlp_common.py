"""The model of the own-graph benchmark (#25), shared by its JAX and PyTorch peers:
784-256-128-10 with a bias on each layer, relu, mean cross-entropy + λ·(ΣW1² + ΣW2² + ΣW3²) (the
biases are not decayed), float32, batch 128, lr 0.1, λ 1e-4, on Fashion-MNIST. It is
Benchmarks/mlp-784-256-128-10.txt in the graph language. Data, epoch orders, timing and reporting
are those of ../shared/peers (common.py); weights start He-normal from its generator, biases at zero.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.environ.get('PEERS', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                        '..', '..', 'shared', 'peers')))
import common as C  # noqa: E402,F401

SIZES = (784, 256, 128, 10)


def init(seed=C.SEED):
    """[W1, b1, W2, b2, W3, b3] as float32 numpy arrays."""
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        out.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
        out.append(np.zeros((1, fan_out), np.float32))
    return out


def accuracy(params, X, y):
    a = X
    for i in range(0, len(params), 2):
        a = a @ params[i] + params[i + 1]
        if i + 2 < len(params):
            a = np.maximum(a, 0)
    return float(np.mean(np.argmax(a, axis=1) == y))
