"""Independent PyTorch side of ConvScalingCrossCheckTest: Cohen et al.'s CIFAR conv ResNet, trained a few SGD steps,
and the reference's spectral analysis of its kernels.

Written from design/scaling-reference.md sections 1.2 and 4.5 (the reference's cifar_model.py and cifar_utils.py), not
from layerwise's code: kuangliu's BasicBlock with every BatchNorm removed, out = relu(conv2(relu(conv1(x))) +
shortcut(x)), a 1x1 projection shortcut where stride or width changes; stem conv3x3 + relu; four stages of w, 2w,
4w, 8w channels with strides 1, 2, 2, 2; F.avg_pool2d(out, 4); nn.Linear(8w, classes). torch.optim.SGD with
momentum and weight decay, mean cross-entropy. The singular values: the reference's numpy method,
np.fft.fft2(transpose(K, (2,3,0,1)), (n, n), axes=[0, 1]) and np.linalg.svd of every frequency's matrix.

Usage: python3 conv_crosscheck.py FOLDER. FOLDER holds manifest.json (blocks per stage, width, classes, lr, momentum,
weight_decay, steps), NAME.npy per parameter (the state_dict names) and x_T.npy / y_T.npy. Writes py_loss.npy (steps),
py_final_NAME.npy, and py_sv.json: for every block the largest singular value of conv1 and conv2 of the final weights,
on the block's input size (conv1) and output size (conv2).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False))

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = self.conv2(out)
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, blocks, width, classes):
        super().__init__()
        self.in_planes = width
        self.conv1 = nn.Conv2d(3, width, 3, stride=1, padding=1, bias=False)
        self.layer1 = self._make(width, blocks[0], 1)
        self.layer2 = self._make(2 * width, blocks[1], 2)
        self.layer3 = self._make(4 * width, blocks[2], 2)
        self.layer4 = self._make(8 * width, blocks[3], 2)
        self.linear = nn.Linear(8 * width, classes)

    def _make(self, planes, n, stride):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        out = F.avg_pool2d(out, 4)
        return self.linear(out.view(out.size(0), -1))


def top_sv(kernel, n):
    """cifar_utils.py: singular values of a conv kernel (out, in, k, k) on n x n inputs (Sedghi, Gupta & Long)."""
    transforms = np.fft.fft2(np.transpose(kernel, (2, 3, 0, 1)), (n, n), axes=[0, 1])
    return float(np.max(np.linalg.svd(transforms, compute_uv=False)))


def main(folder):
    torch.set_num_threads(1)
    m = json.load(open(os.path.join(folder, "manifest.json")))
    net = ResNet(m["blocks"], m["width"], m["classes"])
    state = {}
    for name, t in net.state_dict().items():
        a = np.load(os.path.join(folder, name.replace("shortcut.0.", "shortcut.") + ".npy"))
        assert a.shape == tuple(t.shape), (name, a.shape, tuple(t.shape))
        state[name] = torch.from_numpy(a.astype(np.float64))
    net = net.double()  # the reference in float64: torch 1.13's float32 CPU convolutions (NNPACK) gave input gradients
    net.load_state_dict(state)  # off by up to 100 % on this machine's 8x8 maps; float64 takes the native path
    opt = torch.optim.SGD(net.parameters(), lr=m["lr"], momentum=m["momentum"], weight_decay=m["weight_decay"])
    losses = []
    for t in range(m["steps"]):
        x = torch.from_numpy(np.load(os.path.join(folder, "x_%d.npy" % t)).astype(np.float64))
        y = torch.from_numpy(np.load(os.path.join(folder, "y_%d.npy" % t)).astype(np.int64))
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    np.save(os.path.join(folder, "py_loss.npy"), np.array(losses))
    sv = {}
    size = 32
    for s, layer in enumerate([net.layer1, net.layer2, net.layer3, net.layer4]):
        for k, block in enumerate(layer):
            stride = block.conv1.stride[0]
            out_size = (size - 1) // stride + 1
            prefix = "layer%d.%d" % (s + 1, k)
            w1 = block.conv1.weight.detach().numpy().astype(np.float64)
            w2 = block.conv2.weight.detach().numpy().astype(np.float64)
            sv[prefix + ".conv1.weight"] = top_sv(w1, size)
            sv[prefix + ".conv2.weight"] = top_sv(w2, out_size)
            size = out_size
    for name, t in net.state_dict().items():
        np.save(os.path.join(folder, "py_final_" + name.replace("shortcut.0.", "shortcut.") + ".npy"), t.numpy().astype(np.float64))
    json.dump(sv, open(os.path.join(folder, "py_sv.json"), "w"))
    print("conv_crosscheck: %d steps, last loss %.6f" % (m["steps"], losses[-1]))


if __name__ == "__main__":
    main(sys.argv[1])
