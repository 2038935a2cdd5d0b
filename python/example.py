"""A complete example of layerwise_probe in an ordinary PyTorch training loop (the README's).

    /usr/bin/python3 python/example.py runs/my-net          # ~10 s on a CPU
    ./layerwise elr analyze runs/my-net                     # model check, critical LR, report.html

A small conv-BatchNorm network (no affine BN parameters, no conv biases: the weights the probe follows
are then exactly scale-invariant) trained with plain SGD on synthetic images whose label brightens one
channel, so the example needs no data set. The two probe lines are marked.
"""
import argparse
import sys
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layerwise_probe  # noqa: E402


def network():
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16, affine=False), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32, affine=False), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32, affine=False), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def batch(n, generator):
    y = torch.randint(0, 10, (n,), generator=generator)
    x = torch.rand(n, 3, 16, 16, generator=generator)
    x[torch.arange(n), y % 3] += 0.5  # the label brightens one channel: something to learn
    return x, y


def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("out", help="the run folder to write")
    a.add_argument("--steps", type=int, default=200)
    a.add_argument("--every", type=int, default=1, help="record every k steps")
    a.add_argument("--lr", type=float, default=0.1)
    args = a.parse_args()
    torch.manual_seed(0)
    data = torch.Generator().manual_seed(1)
    model = network()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)

    probe = layerwise_probe.Probe(model, args.out, every=args.every, optimizer=opt)  # probe line 1
    for step in range(args.steps):
        x, y = batch(64, data)
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        probe.step(loss, accuracy=(out.argmax(1) == y).float().mean().item())  # probe line 2
        opt.step()

    model.eval()
    with torch.no_grad():
        x, y = batch(512, data)
        out = model(x)
        probe.evaluation(F.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item())
    probe.close()
    print("wrote %s: %d normalized layers, %d steps; now: ./layerwise elr analyze %s" % (args.out, len(probe.layer_names), args.steps, args.out))


if __name__ == "__main__":
    main()
