"""Independent numpy check of a backprop-tui trace, and safetensors interop both ways.

usage: check_trace.py TRACE.safetensors RTOL OUT.safetensors
Loads the trace with safetensors' safe_open (numpy), recomputes every named quantity in float64
from the trace's X, y, W1, W2 with the book's equations, and compares (max|a-b| <= rtol*max|b|).
Then writes OUT with safetensors.numpy.save_file for the Swift side to load.
"""
import sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

path, rtol, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
t = {}
with safe_open(path, framework="numpy") as f:
    for k in f.keys():
        t[k] = f.get_tensor(k)
lam = float(safe_open(path, framework="numpy").metadata()["lambda"])
X, y, W1, W2 = (t[k].astype(np.float64) if k != "y" else t[k] for k in ("X", "y", "W1", "W2"))
assert t["y"].dtype == np.int64 and t["J"].shape == (), "labels I64, scalars []"
m = X.shape[0]
U1 = X @ W1; H = np.maximum(U1, 0); U2 = H @ W2
Z = U2 - U2.max(axis=1, keepdims=True)
P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
J_MLE = -np.mean(np.log(P[np.arange(m), y]))
J = J_MLE + lam * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
G = (P - np.eye(W2.shape[1])[y]) / m
GW2T = G @ W2.T
Gp = GW2T * (U1 > 0)
ref = {"U1": U1, "H": H, "U2": U2, "J_MLE": J_MLE, "J": J, "G": G, "G_prime": Gp, "HT_G": H.T @ G, "G_W2T": GW2T,
       "XT_Gprime": X.T @ Gp, "decay_W1": 2 * lam * W1, "decay_W2": 2 * lam * W2,
       "grad_W1": X.T @ Gp + 2 * lam * W1, "grad_W2": H.T @ G + 2 * lam * W2}
bad = []
for k, v in ref.items():
    a = t[k].astype(np.float64)
    err = np.max(np.abs(a - v)) if np.size(v) else 0.0
    scale = max(np.max(np.abs(v)), 1e-300)
    if a.shape != np.shape(v) or err > rtol * scale:
        bad.append(f"{k}: shape {a.shape} vs {np.shape(v)}, max err {err:.3g} > {rtol} * {scale:.3g}")
if bad:
    print("\n".join(bad)); sys.exit(1)
save_file({"W1": (np.arange(12, dtype=np.float64) / 8).reshape(3, 4), "W2": np.zeros((4, 3), np.float32)}, out)
print(f"ok: {len(ref)} tensors within {rtol}")
