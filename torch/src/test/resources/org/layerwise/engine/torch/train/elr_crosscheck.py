"""Independent PyTorch side of ElrCrossCheckTest: the per-layer ELR quantities of plain SGD.

Written from the definitions (docs/elr-study.md, design elr-model.md section 2), not from layerwise's
code: a CIFAR ResNet v1 as torch.nn modules (depth 6n+2; 3x3 stem with 16 channels; three stages of
16, 32, 64 channels, the second and third starting with stride 2; convolutions without bias;
BatchNorm2d without affine parameters; option-A shortcuts for "short" (subsample by the stride, zero
channels half before and half after), none at all for "no-short"; global average pooling; a linear
classifier with bias), mean cross-entropy, torch.optim.SGD without momentum or weight decay.

Usage: python3 elr_crosscheck.py FOLDER. FOLDER holds manifest.json (depth, residual, classes, lr,
steps, dtype: "float32" or "float64", the precision of weights, activations and gradients), one NAME.npy per parameter (NAME as in this module's state_dict) and x_T.npy / y_T.npy for
step T. Which weights are "normalized" is found here, by watching the first forward pass: a conv
weight counts when the conv's output tensor is the very input of a BatchNorm. For every step (before
its update) it writes, in float64: py_sigma.npy, py_grad_norm.npy, py_base_gradient.npy, py_elr.npy,
py_classic_elr.npy (steps x layers), py_spread.npy, py_loss.npy (steps), and py_layers.json (the
normalized layers in this module's parameter order, and the tensors left out).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride, residual):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout, affine=False)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, affine=False)
        self.residual = residual
        self.stride = stride
        self.extra = cout - cin

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            sc = x
            if self.stride != 1 or self.extra != 0:
                sc = x[:, :, ::self.stride, ::self.stride]
                before = self.extra // 2
                sc = F.pad(sc, (0, 0, 0, 0, before, self.extra - before))
            out = out + sc
        return F.relu(out)


class CifarResNet(nn.Module):
    def __init__(self, depth, classes, residual, channels=3):
        super().__init__()
        assert (depth - 2) % 6 == 0
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(channels, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16, affine=False)
        cin = 16
        for stage, width in enumerate((16, 32, 64)):
            blocks = []
            for b in range(n):
                blocks.append(Block(cin, width, 2 if (stage > 0 and b == 0) else 1, residual))
                cin = width
            setattr(self, "layer%d" % (stage + 1), nn.Sequential(*blocks))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def normalized_weights(model, x):
    """Names of the conv weights whose conv output goes straight into a BatchNorm, found on one forward."""
    produced = {}
    found = []
    hooks = []
    for name, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(lambda mod, inp, out, name=name: produced.__setitem__(id(out), name)))
        elif isinstance(m, nn.BatchNorm2d):
            def check(mod, inp, name=name):
                conv = produced.get(id(inp[0]))
                if conv is not None:
                    found.append(conv + ".weight")
            hooks.append(m.register_forward_pre_hook(check))
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return found


def main(folder):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    with open(os.path.join(folder, "manifest.json")) as f:
        m = json.load(f)
    dtype = {"float32": torch.float32, "float64": torch.float64}[m["dtype"]]
    model = CifarResNet(m["depth"], m["classes"], m["residual"]).to(dtype)
    used = set()
    with torch.no_grad():
        for name, p in model.named_parameters():
            path = os.path.join(folder, name + ".npy")
            if not os.path.exists(path):
                raise SystemExit("no exported weights for parameter " + name)
            a = np.load(path)
            if tuple(a.shape) != tuple(p.shape):
                raise SystemExit("shape of %s: exported %s, here %s" % (name, a.shape, tuple(p.shape)))
            p.copy_(torch.from_numpy(a).to(dtype))
            used.add(name + ".npy")
    unused = sorted(f for f in os.listdir(folder) if f.endswith(".npy") and not f.startswith(("x_", "y_", "py_")) and f not in used)
    if unused:
        raise SystemExit("exported weights that this model does not have: " + ", ".join(unused))
    xs = [torch.from_numpy(np.load(os.path.join(folder, "x_%d.npy" % t))).to(dtype) for t in range(m["steps"])]
    ys = [torch.from_numpy(np.load(os.path.join(folder, "y_%d.npy" % t))).long() for t in range(m["steps"])]

    # which tensors count: found on a copy, so the real model's BN running statistics stay untouched
    import copy
    layers = normalized_weights(copy.deepcopy(model).train(), xs[0])
    params = dict(model.named_parameters())
    apart = [n for n in params if n not in layers]
    layers = [n for n in params if n in layers]  # parameter order

    lr = float(m["lr"])
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0, weight_decay=0.0)
    model.train()
    out = {k: [] for k in ("sigma", "grad_norm", "base_gradient", "elr", "classic_elr")}
    spread, losses = [], []
    for t in range(m["steps"]):
        opt.zero_grad()
        loss = F.cross_entropy(model(xs[t]), ys[t])
        loss.backward()
        sigma = np.array([params[n].detach().double().norm().item() for n in layers])
        grad = np.array([params[n].grad.detach().double().norm().item() for n in layers])
        e = lr * grad / sigma
        out["sigma"].append(sigma)
        out["grad_norm"].append(grad)
        out["base_gradient"].append(sigma * grad)
        out["elr"].append(e)
        out["classic_elr"].append(lr / sigma ** 2)
        spread.append(e.max() / e.min())
        losses.append(loss.item())
        opt.step()
    for k, v in out.items():
        np.save(os.path.join(folder, "py_" + k + ".npy"), np.array(v, dtype=np.float64))
    np.save(os.path.join(folder, "py_spread.npy"), np.array(spread, dtype=np.float64))
    np.save(os.path.join(folder, "py_loss.npy"), np.array(losses, dtype=np.float64))
    with open(os.path.join(folder, "py_layers.json"), "w") as f:
        json.dump({"layers": layers, "reported_apart": apart, "torch": torch.__version__}, f)
    print("elr_crosscheck: %d steps, %d layers, torch %s" % (m["steps"], len(layers), torch.__version__))


if __name__ == "__main__":
    main(sys.argv[1])
