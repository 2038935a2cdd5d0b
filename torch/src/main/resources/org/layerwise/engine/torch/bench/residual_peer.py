"""Python PyTorch peer of `layerwise bench scaling-kernel`.

The residual MLP of layerwise's fused kernel, h_{k+1} = h_k + |delta| tanh(A_k h_k + b_k) for k = 0..L-1
(one shared delta, no input or output layer), the mean-squared loss over batch x d, and one plain SGD
step (forward, backward, update; the loss read back to the host), in Python PyTorch eager mode at its
best: one leaf tensor per layer as the reference code has them, A_k stored transposed so that a layer
is one addmm (h A_k^T + b_k), |delta| taken once per step, the update by SGD's multi-tensor (foreach)
path. The benchmark runs it with the environment it prints (OPENBLAS_NUM_THREADS=1 beside
torch.set_num_threads(N); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset).

--data names a file of little-endian float32: the inputs x (batch x width, row-major), the targets y
(the same), then the parameters in layerwise's flat layout (for each layer A_k, width x width
row-major with A[i][j] multiplying h_j into z_i, then b_k; then delta), so that both sides train the
same network from the same weights and their first losses can be compared. It answers
steps over a pipe (peer_info.serve, written beside this file); it ends with one line starting with
PEER-RESULT followed by a JSON object.
"""
import argparse
import json

import numpy as np

import peer_info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--depth", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--data", required=True)
    a = ap.parse_args()

    import torch  # after argparse: a bad call fails fast

    torch.set_num_threads(a.threads)
    d, depth, batch = a.width, a.depth, a.batch
    flat = np.fromfile(a.data, dtype="<f4")
    expected = 2 * batch * d + depth * (d * d + d) + 1
    if flat.size != expected:
        raise SystemExit("residual_peer: %s holds %d floats, expected %d" % (a.data, flat.size, expected))
    x = torch.from_numpy(flat[:batch * d].reshape(batch, d).copy())
    y = torch.from_numpy(flat[batch * d:2 * batch * d].reshape(batch, d).copy())
    p = flat[2 * batch * d:]
    stride = d * d + d
    # A_k transposed (the reference's row-vector A): z = h @ At_k + b_k is one addmm
    At = [torch.nn.Parameter(torch.from_numpy(p[k * stride:k * stride + d * d].reshape(d, d).T.copy())) for k in range(depth)]
    b = [torch.nn.Parameter(torch.from_numpy(p[k * stride + d * d:(k + 1) * stride].copy())) for k in range(depth)]
    delta = torch.nn.Parameter(torch.tensor(float(p[depth * stride])))
    params = At + b + [delta]
    try:
        opt = torch.optim.SGD(params, lr=a.lr, foreach=True)
    except TypeError:  # a torch without the multi-tensor path
        opt = torch.optim.SGD(params, lr=a.lr)

    def step(i):
        opt.zero_grad(set_to_none=True)
        h = x
        scale = delta.abs()
        for k in range(depth):
            h = h + scale * torch.tanh(torch.addmm(b[k], h, At[k]))
        loss = ((h - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss.item()

    times = []
    peer_info.serve(step, times)
    result = peer_info.describe(torch, times, parameters=sum(t.numel() for t in params))
    print("PEER-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
