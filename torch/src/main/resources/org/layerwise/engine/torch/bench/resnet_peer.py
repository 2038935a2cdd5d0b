"""Python PyTorch peer of `layerwise bench resnet`.

The same CIFAR ResNet v1 as layerwise's ResNet (depth 6n+2; 3x3 stem with 16 channels; three stages of
16, 32, 64 channels; BatchNorm without affine parameters, momentum 0.1, eps 1e-5; convolutions without
bias; option-A shortcuts: subsample, then zero channels half before and half after; no shortcut at all
for "no-short"; global average pooling; a linear classifier with bias) and the same training step:
zero the gradients, forward, mean cross-entropy, backward, plain SGD (no momentum, no weight decay),
loss and accuracy read back to the host.

The benchmark writes this file to a temporary folder and runs it with the environment it prints
(OPENBLAS_NUM_THREADS=1 beside torch.set_num_threads(N); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
unset). With --serve it prints "READY", then runs one step for every line "step" it reads and
answers "STEP <ms> <cpu ms> <minor faults> <loss>" (peer_info.serve, written beside this file), so the
benchmark can alternate its steps with layerwise's (both then see the same load on a shared machine);
"end" stops it. Without --serve it runs --warmup and --steps steps on its own. Either way it ends with one line starting with PEER-RESULT followed by a JSON object.
"""
import argparse
import json
import time

import peer_info


def build(torch, depth, classes, residual):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout, affine=False)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout, affine=False)
            self.stride = stride
            self.extra = cout - cin

        def forward(self, x):
            out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
            if residual:
                shortcut = x
                if self.stride > 1:
                    shortcut = shortcut[:, :, ::self.stride, ::self.stride]
                if self.extra:
                    before = self.extra // 2
                    shortcut = F.pad(shortcut, (0, 0, 0, 0, before, self.extra - before))
                out = out + shortcut
            return F.relu(out)

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            n = (depth - 2) // 6
            self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(16, affine=False)
            blocks = []
            cin = 16
            for stage, cout in enumerate((16, 32, 64)):
                for i in range(n):
                    blocks.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                    cin = cout
            self.blocks = nn.Sequential(*blocks)
            self.fc = nn.Linear(64, classes)

        def forward(self, x):
            x = F.relu(self.bn1(self.conv1(x)))
            x = self.blocks(x)
            return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))

    return ResNet()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--residual", choices=("short", "no-short"), required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--lr", type=float, default=0.1)
    a = ap.parse_args()

    import torch  # after argparse: a bad call fails fast

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    device = torch.device("cuda" if a.device == "cuda" else "cpu")
    model = build(torch, a.depth, a.classes, a.residual == "short").to(device)
    model.train()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    # a few distinct batches, cycled: the step never waits for data (as layerwise's loader overlaps it)
    batches = [(torch.randn(a.batch, 3, 32, 32, device=device), torch.randint(0, a.classes, (a.batch,), device=device))
               for _ in range(4)]

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            correct = (logits.argmax(1) == y).sum().item()
        return loss.item(), correct

    times = []
    if a.serve:
        peer_info.serve(lambda i: step(i)[0], times)
    else:
        for i in range(a.warmup):
            step(i)
        for i in range(a.steps):
            t0 = time.perf_counter()
            step(a.warmup + i)
            times.append((time.perf_counter() - t0) * 1e3)

    result = peer_info.describe(torch, times, parameters=params)
    print("PEER-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
