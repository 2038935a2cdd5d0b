"""The depth-scaling grid in Python PyTorch, as the authors' reference code trains it.

A faithful script of what `layerwise scaling` runs for `layerwise bench study`: for every depth of the
grid, a residual MLP h_{k+1} = h_k + |delta| tanh(h_k A_k + b_k) (shared delta, init 1/L; A, b from the
"xavier-depth" init of the reference, std s/(L d) and s/(L sqrt d)) trained by plain SGD on the mean
squared loss over the synthetic ODE data set of the reference (generate_dataset.py), with a fresh
permutation per epoch, until the epoch-mean loss is below epsilon or Tmax updates are done; then the
trained weights are saved as .npy and the reference's statistics (max norm, increments, root sum of
squares) are computed and fitted against depth, as its regression.py does. One parameter tensor per
layer, as the reference's lists of nn.Parameter.

Prints one line per depth and a final line "total S seconds".
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch


def ode_dataset(n, d, seed):
    g = np.random.default_rng(seed)
    x = g.uniform(-1, 1, size=(n, d))
    z = x.copy()
    steps = 100
    for t in range(steps):
        s = 5 * math.pi * t / steps
        z = z + np.tanh(math.sin(s) * z + math.cos(s)) / math.sqrt(steps)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = z / np.linalg.norm(z, axis=1, keepdims=True)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def train(depth, x, y, a):
    d = x.shape[1]
    gen = torch.Generator().manual_seed(depth)
    A = [torch.nn.Parameter(torch.randn(d, d, generator=gen) * (a.init_scale / (depth * d))) for _ in range(depth)]
    b = [torch.nn.Parameter(torch.randn(d, generator=gen) * (a.init_scale / (depth * math.sqrt(d)))) for _ in range(depth)]
    delta = torch.nn.Parameter(torch.tensor(1.0 / depth))
    params = A + b + [delta]
    opt = torch.optim.SGD(params, lr=a.lr)
    n = x.shape[0]
    batches = n // a.batch
    updates = 0
    epoch = 0
    while updates < a.updates:
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for k in range(batches):
            if updates >= a.updates:
                break
            idx = perm[k * a.batch:(k + 1) * a.batch]
            h = x[idx]
            for layer in range(depth):
                h = h + delta.abs() * torch.tanh(h @ A[layer] + b[layer])
            loss = ((h - y[idx]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            updates += 1
        epoch += 1
        if total / batches < a.epsilon:
            break
    return np.stack([p.detach().numpy() for p in A]), np.stack([p.detach().numpy() for p in b]), updates


def statistics(W):
    L = W.shape[0]
    norms = np.sqrt((W.reshape(L, -1) ** 2).sum(axis=1))
    inc = np.sqrt((np.diff(W.reshape(L, -1), axis=0) ** 2).sum(axis=1)) if L > 1 else np.zeros(1)
    return {"max_norm": norms.max(), "max_increment": inc.max(), "root_ssq": math.sqrt((norms ** 2).sum())}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--depths", required=True)
    p.add_argument("--updates", type=int, default=400)
    p.add_argument("--train-size", type=int, default=10000)
    p.add_argument("--width", type=int, default=10)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--epsilon", type=float, default=1e-4)
    p.add_argument("--init-scale", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(a.threads)
    x, y = ode_dataset(a.train_size, a.width, 0)
    depths = [int(v) for v in a.depths.split(",")]
    stats = []
    for depth in sorted(depths, reverse=True):  # longest first, as layerwise schedules them
        t0 = time.perf_counter()
        A, b, updates = train(depth, x, y, a)
        folder = os.path.join(a.out, "L%05d" % depth)
        os.makedirs(folder, exist_ok=True)
        np.save(os.path.join(folder, "A.npy"), A)
        np.save(os.path.join(folder, "b.npy"), b)
        stats.append((depth, statistics(A)))
        dt = time.perf_counter() - t0
        print("L=%d: %d updates in %.2f s (%.2f ms/update)" % (depth, updates, dt, 1000 * dt / max(1, updates)), flush=True)
    L = np.array([s[0] for s in stats], dtype=float)
    for key in ("max_norm", "max_increment", "root_ssq"):
        v = np.array([s[1][key] for s in stats])
        slope = np.polyfit(np.log(L), np.log(v), 1)[0]
        print("slope of %s: %.3f" % (key, slope))
    print("total %.2f seconds" % (time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    sys.exit(main())
