"""Python side of ProbeCrossCheckTest: train a BatchNorm ResNet in PyTorch with python/layerwise_probe.py attached.

Usage: python3 probe_crosscheck.py EXCHANGE PROBE_DIR RUN_FOLDER. EXCHANGE holds what elr_crosscheck.py reads
(manifest.json with depth, residual, classes, lr, steps, dtype, every; NAME.npy per parameter; x_T.npy,
y_T.npy per step), exported by the Java test; PROBE_DIR is the repository's python/ folder. The network is
elr_crosscheck.py's CifarResNet (copied beside this script), loaded with the exported weights and
trained with plain torch.optim.SGD on the exported batches, in the training loop a user would write: the
probe made before the loop, probe.step(loss, accuracy=...) between backward() and step(). The probe
finds the normalized weights itself and writes RUN_FOLDER; the Java side compares it with its own probe.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import elr_crosscheck


def main(exchange, probe_dir, folder):
    sys.path.insert(0, probe_dir)
    import layerwise_probe

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    with open(os.path.join(exchange, "manifest.json")) as f:
        m = json.load(f)
    dtype = {"float32": torch.float32, "float64": torch.float64}[m["dtype"]]
    model = elr_crosscheck.CifarResNet(m["depth"], m["classes"], m["residual"]).to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(np.load(os.path.join(exchange, name + ".npy"))).to(dtype))
    xs = [torch.from_numpy(np.load(os.path.join(exchange, "x_%d.npy" % t))).to(dtype) for t in range(m["steps"])]
    ys = [torch.from_numpy(np.load(os.path.join(exchange, "y_%d.npy" % t))).long() for t in range(m["steps"])]

    opt = torch.optim.SGD(model.parameters(), lr=float(m["lr"]), momentum=0.0, weight_decay=0.0)
    probe = layerwise_probe.Probe(model, folder, every=int(m["every"]), optimizer=opt, description="ProbeCrossCheckTest")
    model.train()
    for t in range(m["steps"]):
        opt.zero_grad()
        out = model(xs[t])
        loss = F.cross_entropy(out, ys[t])
        loss.backward()
        probe.step(loss, accuracy=(out.argmax(1) == ys[t]).double().mean().item(), epoch=0)
        opt.step()
    probe.close()
    print("probe_crosscheck: %d steps, %d layers, torch %s" % (m["steps"], len(probe.layer_names), torch.__version__))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
