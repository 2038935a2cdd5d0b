"""layerwise_probe: the ELR probe of layerwise for your own PyTorch training loop.

Two lines in the loop you already have:

    import layerwise_probe
    probe = layerwise_probe.Probe(model, "runs/mine", every=10, optimizer=opt)   # 1. before the loop
    for x, y in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        probe.step(loss)                                                         # 2. after backward(), before opt.step()
        opt.step()

Every `every` steps it records, for every weight tensor that feeds a normalization layer, the same
quantities with the same definitions as layerwise's Java probe (org.layerwise.train.ElrProbe), into the
same run-folder format as `./layerwise elr train`; then `./layerwise elr analyze runs/mine` runs the
model check, the critical-LR analysis and the report on it (no libtorch, no Java-side training).

Which tensors (docs/elr-study.md "Per-layer quantities"; design note elr-model.md section 2): every
weight whose output goes straight into a normalization layer, which makes the loss invariant to its
scale. Found on the first forward pass after the Probe is made: a module's `weight` counts when the
module's output tensor is the very input of a BatchNorm, GroupNorm, LayerNorm or InstanceNorm module
(the stem conv and projection shortcuts followed by BatchNorm count; the classifier does not and is
reported apart). Override with `layers=`: parameter names, the parameters, or a predicate
`(name, parameter) -> bool`. Functional normalization (F.batch_norm) is not seen: name those layers.

Per recorded step t and layer l, with w the flattened weight, g its .grad at the call (the loss
gradient: torch.optim.SGD adds weight decay and momentum later, inside step()), eta the layer's
learning rate (its optimizer param group's, or the `lr=` given), all before the update:

    sigma          = ||w||                              [definition]
    grad_norm      = ||g||                              [definition]
    base_gradient  c = sigma ||g||                      [derived] (scale-free: ||g|| at unit ||w||)
    elr            e = eta ||g|| / sigma = eta c / sigma^2   [derived] (the relative size of an SGD step)
    classic_elr    eta / sigma^2                        (van Laarhoven 2017, for comparison)
    angular_update the angle between w before and after the step, measured on the weights (at the next
                   call, or at close()): atan2(||d_perp||, sigma - <w,d>/sigma) with d = w_before - w_after
    orthogonality  <w, g> / (sigma ||g||)               [derived] (scale invariance makes it 0)
    lr             eta
    spread         S = max_l e_l / min_l e_l over the layers with a finite positive ELR; log S   [derived]
    critical_lr_predicted  1 / sqrt(r_max r_min), r_l = ||g_l|| / sigma_l, i.e. eta / sqrt(e_max e_min)
                   [derived; the paper states only that a critical LR depends on the current ELRs alone]

Zero and non-finite values follow org.layerwise.analysis.elr.ElrQuantities: ||g|| = 0 gives c = e = 0
and orthogonality 0 (left out of the spread); sigma = 0 or non-finite makes every derived value NaN; a
missing gradient (.grad None) counts as NaN; every learning rate 0 gives the spread of r instead of e.
Sums are accumulated in float64 (w*w in the tensor's precision, summed in float64, as the Java probe).

Files (docs/elr-study.md "Files"): layers.json, QUANTITY.npy (float32, recorded steps x layers, row r
is step r*every), elr_long.csv, steps.csv, eval.csv (probe.evaluation), provenance.json (written at
the first step: "source": "external", the optimizer and its settings, how the layers were chosen,
versions, host, command line) and result.json (at close()). Every table is valid after every
recorded step, so `layerwise elr analyze` can read a run that is still training.

PyTorch is the only dependency (no numpy). One process writes a folder: under DistributedDataParallel
make the Probe on rank 0 only. With a GradScaler call probe.step after scaler.unscale_(opt).
"""

import array
import atexit
import csv
import datetime
import io
import json
import math
import os
import platform
import socket
import subprocess
import sys
import time

import torch
import torch.nn as nn

__all__ = ["Probe", "QUANTITIES", "normalized_weights"]
__version__ = "1"

# the per-layer quantities, in the order of the Java probe's .npy files and long-table columns
QUANTITIES = ["sigma", "grad_norm", "base_gradient", "elr", "classic_elr", "angular_update", "orthogonality", "lr"]
STEP_HEADER = ["step", "epoch", "loss", "accuracy", "lr", "spread", "log_spread", "argmax_layer", "argmin_layer",
               "critical_lr_predicted", "others_norm", "others_grad_norm"]
LONG_HEADER = ["step", "layer", "name"] + QUANTITIES
EVAL_HEADER = ["step", "test_loss", "test_accuracy"]
NORMALIZATIONS = (nn.modules.batchnorm._BatchNorm, nn.GroupNorm, nn.LayerNorm, nn.modules.instancenorm._InstanceNorm)
_NPY_HEADER = 256  # bytes for magic, version, length and dict, as the Java NpyAppender: room for any shape
_INF = float("inf")


# ---- the definitions (org.layerwise.analysis.elr.ElrQuantities, Spread, CriticalLr) --------------------

def quantities(sigma, grad, dot, lr):
    """The per-layer quantities of one step from sigma, ||g||, <w, g> and eta per layer (ElrQuantities.of)."""
    n = len(sigma)
    nan = float("nan")
    c, r, e, classic, orth = ([nan] * n for _ in range(5))
    for l in range(n):
        s, g, eta = sigma[l], grad[l], lr[l]
        if not (0 < s < _INF):
            continue  # the direction of w, hence its ELR, is undefined
        classic[l] = eta / (s * s)
        if not (g < _INF):  # NaN or infinite gradient
            continue
        c[l] = s * g
        r[l] = g / s
        e[l] = eta * r[l]
        orth[l] = 0.0 if g == 0 else dot[l] / (s * g)
    return {"base_gradient": c, "ratio": r, "elr": e, "classic_elr": classic, "orthogonality": orth}


def spread_of(x):
    """(S, ln S, argmax, argmin) over the entries that are finite and > 0; ties to the lowest index (Spread.of)."""
    hi = lo = -1
    for l, v in enumerate(x):
        if not (0 < v < _INF):
            continue
        if hi < 0 or v > x[hi]:
            hi = l
        if lo < 0 or v < x[lo]:
            lo = l
    if hi < 0:
        return float("nan"), float("nan"), -1, -1
    return x[hi] / x[lo], math.log(x[hi]) - math.log(x[lo]), hi, lo


def spread_of_step(elr, lr, ratio):
    """The step's spread: of the ELRs, or of r = ||g|| / sigma when every learning rate is 0 (Spread.ofStep)."""
    return spread_of(elr if any(eta != 0 for eta in lr) else ratio)


def critical_lr(ratio):
    """Predicted critical LR 1 / sqrt(r_max r_min) (CriticalLr.fromRatios) [derived]; NaN if no ratio is usable."""
    _, _, hi, lo = spread_of(ratio)
    if hi < 0:
        return float("nan")
    return 1.0 / math.sqrt(ratio[hi]) / math.sqrt(ratio[lo])


def angle_of_step(sigma, step_sq, step_dot):
    """The angle (radians) between w and w - d from sigma = ||w||, ||d||^2 and <w, d> (ElrQuantities.angleOfStep)."""
    if not (0 < sigma < _INF):
        return float("nan")
    along = sigma - step_dot / sigma
    perp = math.sqrt(max(0.0, step_sq - (step_dot / sigma) ** 2))
    return math.atan2(perp, along)


# ---- which tensors count -------------------------------------------------------------------------------

def normalized_weights(model, example_input):
    """The names of the weights whose module output is the very input of a normalization layer, found on one
    forward pass of `example_input` (on a copy of the model, so its BatchNorm statistics stay untouched)."""
    import copy
    m = copy.deepcopy(model)
    finder = _Finder(m)
    with torch.no_grad():
        m(example_input)
    return [name for name, _ in finder.result()]


class _Finder:
    """Hooks that watch forward passes: which module outputs go straight into a normalization module."""

    def __init__(self, model):
        self.names = {id(p): n for n, p in model.named_parameters()}
        self.produced = {}  # id(output tensor) -> (output tensor, weight name)
        self.found = {}     # weight name -> the normalization module that follows it
        self.hooks = []
        self.seen = False
        for mname, m in model.named_modules():
            if isinstance(m, NORMALIZATIONS):
                self.hooks.append(m.register_forward_pre_hook(self._norm(mname, m)))
            else:
                w = m._parameters.get("weight") if hasattr(m, "_parameters") else None
                if isinstance(w, torch.Tensor) and id(w) in self.names:
                    self.hooks.append(m.register_forward_hook(self._producer(self.names[id(w)])))
        self.hooks.append(model.register_forward_hook(self._done))

    def _producer(self, weight):
        def hook(module, inputs, output):
            if isinstance(output, torch.Tensor):
                self.produced[id(output)] = (output, weight)
        return hook

    def _norm(self, name, module):
        def hook(module_, inputs):
            if inputs and isinstance(inputs[0], torch.Tensor):
                hit = self.produced.get(id(inputs[0]))
                if hit is not None and hit[0] is inputs[0]:
                    self.found.setdefault(hit[1], "%s (%s)" % (name, type(module).__name__))
        return hook

    def _done(self, module, inputs, output):
        self.seen = True
        self.remove()

    def remove(self):
        for h in self.hooks:
            h.remove()
        self.hooks = []
        self.produced = {}

    def result(self):
        """(name, followed by) in the model's parameter order."""
        order = list(self.names.values())
        return [(n, self.found[n]) for n in order if n in self.found]


# ---- files in the Java probe's formats -----------------------------------------------------------------

def _cell(v):
    """A CSV cell as the Java probe writes it: integers as integers, NaN and infinities as Java spells them."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    return str(v)


class _Table:
    """A CSV table that gets whole rows in one write each, its header together with the first row (so it is
    empty, 0 bytes, until then, as the Java probe's tables)."""

    def __init__(self, path, header):
        self.path = path
        self.header = header
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self.started = False

    def rows(self, rows):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if not self.started:
            w.writerow(self.header)
            self.started = True
        for r in rows:
            w.writerow([_cell(v) for v in r])
        os.write(self.fd, buf.getvalue().encode("utf-8"))

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Npy:
    """A float32 .npy matrix (rows x columns) that grows by rows; its header, rewritten after every row, always
    says how many rows it holds (the layout of org.layerwise.io.NpyAppender)."""

    def __init__(self, path, columns):
        self.path = path
        self.columns = columns
        self.rows = 0
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(self.fd, self._header())

    def _header(self):
        d = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (self.rows, self.columns)
        body = d + " " * (_NPY_HEADER - 10 - len(d) - 1) + "\n"
        n = len(body)
        return b"\x93NUMPY\x01\x00" + bytes([n & 0xFF, n >> 8]) + body.encode("ascii")

    def append(self, values):
        a = array.array("f", values)  # float64 -> float32, overflow to +-inf as Java's (float) cast
        if sys.byteorder != "little":
            a.byteswap()
        os.lseek(self.fd, 0, os.SEEK_END)
        os.write(self.fd, a.tobytes())
        self.rows += 1
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.write(self.fd, self._header())  # data first, then the header that counts it

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


def _finite_or_none(v):
    return v if isinstance(v, float) and math.isfinite(v) else None


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


# ---- the probe -----------------------------------------------------------------------------------------

class Probe:
    """Records the per-layer ELR quantities of `model` every `every` steps into `folder`.

    Args:
        model: the torch.nn.Module being trained.
        folder: the run folder to write (created; must not hold another run unless overwrite=True).
        every: record steps 0, every, 2*every, ... (the k of `./layerwise elr train --probe-every k`).
        optimizer: the optimizer, for each layer's learning rate (its param group's "lr") and for the record
            of what trained the run (type, momentum, weight decay), which `elr analyze` needs for its model
            check. Without it, pass lr= to step().
        layers: which weights to follow, overriding the search for weights that feed a normalization layer:
            names as in model.named_parameters(), the parameters themselves, or a predicate (name, p) -> bool.
        overwrite: replace the files of an earlier run in `folder`.
        description: a line for the record (what you trained, on what).
    """

    def __init__(self, model, folder, every=1, optimizer=None, layers=None, overwrite=False, description=""):
        if not isinstance(every, int) or every < 1:
            raise ValueError("every must be an integer >= 1, got %r" % (every,))
        self.model = model
        self.folder = os.fspath(folder)
        self.every = every
        self.optimizer = optimizer
        self.description = description
        self.params = dict(model.named_parameters())
        if not self.params:
            raise ValueError("the model has no parameters")
        if os.path.exists(os.path.join(self.folder, "layers.json")) and not overwrite:
            raise FileExistsError("%s already holds a probe's run (layers.json); choose another folder or pass overwrite=True"
                                  % self.folder)
        self.selection = None
        self.finder = None
        if layers is None:
            self.finder = _Finder(model)  # watches the first forward pass
        else:
            self.selection = self._given(layers)
        self.calls = 0         # step() calls so far: the index of the next step
        self.pending = None    # the last recorded step, waiting for the weights after its update
        self.started = None
        self.tables = None
        self.last_eval = None
        self.queued_evals = []  # evaluations before the first recorded step
        self.diverged_at = None
        self.last_loss = None
        self.closed = False
        atexit.register(self.close)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- which layers --

    def _given(self, layers):
        by_id = {id(p): n for n, p in self.params.items()}
        if callable(layers):
            chosen = {n for n, p in self.params.items() if layers(n, p)}
        else:
            chosen = set()
            for item in layers:
                if isinstance(item, str):
                    if item not in self.params:
                        near = [n for n in self.params if item.split(".")[-1] in n][:5]
                        raise KeyError("layers: no parameter %r in the model%s" % (item, "; e.g. " + ", ".join(near) if near else ""))
                    chosen.add(item)
                elif isinstance(item, torch.Tensor) and id(item) in by_id:
                    chosen.add(by_id[id(item)])
                else:
                    raise TypeError("layers: expected parameter names or parameters of the model, got %r" % (type(item).__name__,))
        if not chosen:
            raise ValueError("layers: selects no parameter")
        return [(n, "given") for n in self.params if n in chosen]

    def _layout(self):
        if self.selection is None:
            self.finder.remove()
            found = self.finder.result()
            if not found:
                raise RuntimeError("layerwise_probe: no weight feeds a normalization layer in the forward pass seen"
                                   + ("" if self.finder.seen else " (none was seen: make the Probe before the first forward pass)")
                                   + "; name the scale-invariant weights with Probe(..., layers=[...])")
            self.selection = found
        names = [n for n, _ in self.selection]
        self.layer_names = names
        self.layer_params = [self.params[n] for n in names]
        chosen = set(names)
        self.other_names = [n for n in self.params if n not in chosen]
        self.other_params = [self.params[n] for n in self.other_names]
        os.makedirs(self.folder, exist_ok=True)
        for f in ["result.json", "report.html", "summary.json"]:
            p = os.path.join(self.folder, f)
            if os.path.exists(p):
                os.remove(p)  # overwrite=True: an earlier run's end and report do not describe this one
        auto = self.finder is not None
        _write_json(os.path.join(self.folder, "layers.json"), {
            "layers": names,
            "sizes": [p.numel() for p in self.layer_params],
            "reported_apart": self.other_names,
            "every": self.every,
            "layout": "QUANTITY.npy[row][layer], row r = step r * every; quantities [" + ", ".join(QUANTITIES) + "]",
            "selection": ("auto: the weights whose module output is the very input of a normalization layer"
                          if auto else "given by the user (Probe(layers=...))"),
            "followed_by": [f for _, f in self.selection],
        })
        self.started = time.time()
        self.provenance = self._provenance(auto)
        _write_json(os.path.join(self.folder, "provenance.json"), self.provenance)
        self.npy = {q: _Npy(os.path.join(self.folder, q + ".npy"), len(names)) for q in QUANTITIES}
        self.long = _Table(os.path.join(self.folder, "elr_long.csv"), LONG_HEADER)
        self.steps = _Table(os.path.join(self.folder, "steps.csv"), STEP_HEADER)
        self.evals = _Table(os.path.join(self.folder, "eval.csv"), EVAL_HEADER)
        if self.queued_evals:
            self.evals.rows(self.queued_evals)
        self.tables = True

    def _provenance(self, auto):
        first = self.layer_params[0]
        rec = {
            "source": "external",
            "writer": "layerwise_probe.py " + __version__,
            "description": self.description,
            "started": _now(),
            "finished": None,
            "model": type(self.model).__name__,
            "parameters": sum(p.numel() for p in self.params.values()),
            "dtype": str(first.dtype).replace("torch.", ""),
            "device": str(first.device),
            "every": self.every,
            "selection": "auto" if auto else "given",
            "optimizer": self._optimizer_record(),
            "lr_from": "optimizer param groups" if self.optimizer is not None else "step(lr=...)",
            "python": platform.python_version(),
            "torch": torch.__version__,
            "host": socket.gethostname(),
            "os": platform.platform(),
            "command_line": list(sys.argv),
            "working_directory": os.getcwd(),
            "git_commit": _git_commit(),
        }
        return rec

    def _optimizer_record(self):
        opt = self.optimizer
        if opt is None:
            return None
        groups = []
        by_id = {id(p): i for i, p in enumerate(self.layer_params)}
        for g in opt.param_groups:
            h = {}
            for k, v in g.items():
                if k != "params":
                    h[k] = _plain(v)
            h["normalized_layers"] = sorted(by_id[id(p)] for p in g["params"] if id(p) in by_id)
            groups.append(h)
        return {"type": type(opt).__name__, "module": type(opt).__module__, "param_groups": groups}

    # -- the loop --

    def step(self, loss, lr=None, accuracy=None, epoch=None):
        """Call once per training step, after loss.backward() and before optimizer.step().

        Args:
            loss: the step's training loss (a tensor or a number; read only at recorded steps).
            lr: the learning rate, when the probe was made without an optimizer (one number for every layer).
            accuracy: the step's training-batch accuracy, if you have it (steps.csv "accuracy").
            epoch: the epoch, if you count them (steps.csv "epoch").
        """
        if self.closed:
            raise RuntimeError("layerwise_probe: step() after close()")
        if self.pending is not None:
            self._finish(self.pending)
            self.pending = None
        t = self.calls
        self.calls += 1
        if t % self.every != 0:
            return
        if self.tables is None:
            self._layout()
        self.pending = self._measure(t, loss, lr, accuracy, epoch)

    def evaluation(self, loss, accuracy):
        """Records a held-out evaluation (eval.csv) at the number of steps taken so far."""
        if self.closed:
            raise RuntimeError("layerwise_probe: evaluation() after close()")
        self.last_eval = (self.calls, float(loss), float(accuracy))
        if self.tables is None:
            self.queued_evals.append(self.last_eval)
        else:
            self.evals.rows([self.last_eval])

    @torch.no_grad()
    def _measure(self, t, loss, lr, accuracy, epoch):
        sums = []
        grads_missing = []
        for p in self.layer_params + self.other_params:
            w = _wide(p.detach())
            g = p.grad
            sums.append((w * w).sum(dtype=torch.float64))
            if g is None:
                grads_missing.append(True)
                nan = torch.full((), float("nan"), dtype=torch.float64, device=w.device)
                sums += [nan, nan]
            else:
                grads_missing.append(False)
                g = _wide(g.detach())
                sums.append((g * g).sum(dtype=torch.float64))
                sums.append((w * g).sum(dtype=torch.float64))
        if t == 0 and all(grads_missing):
            raise RuntimeError("layerwise_probe: no parameter has a gradient; call probe.step(loss) after loss.backward()"
                               " and before optimizer.step()")
        if isinstance(loss, torch.Tensor):
            sums.append(loss.detach().reshape(-1)[0].to(torch.float64))
        else:
            sums.append(torch.tensor(float(loss), dtype=torch.float64))
        values = _gather(sums)  # one transfer from the device
        n = len(self.layer_params)
        ww, gg, wg = values[0:3 * n:3], values[1:3 * n:3], values[2:3 * n:3]
        sigma = [math.sqrt(v) for v in ww]
        grad = [math.sqrt(v) for v in gg]
        lrs = self._lrs(lr)
        q = quantities(sigma, grad, wg, lrs)
        spread, log_spread, hi, lo = spread_of_step(q["elr"], lrs, q["ratio"])
        others_ww = values[3 * n:-1:3]
        others_gg = [v for v in values[3 * n + 1:-1:3] if v == v]  # a missing gradient adds nothing
        loss_v = values[-1]
        if not math.isfinite(loss_v) and self.diverged_at is None:
            self.diverged_at = t
        self.last_loss = loss_v
        base_lr = float(lr) if lr is not None else float(self.optimizer.param_groups[0]["lr"])
        row = [t, epoch if epoch is None else int(epoch), loss_v, None if accuracy is None else float(accuracy), base_lr,
               spread, log_spread, hi, lo, critical_lr(q["ratio"]), math.sqrt(sum(others_ww)), math.sqrt(sum(others_gg))]
        before = [_wide(p.detach()).clone() for p in self.layer_params]  # for the angle of this step's update
        return {"step": t, "sigma": sigma, "grad": grad, "q": q, "lr": lrs, "row": row, "before": before, "ww": ww}

    def _lrs(self, lr):
        n = len(self.layer_params)
        if lr is not None:
            eta = float(lr)
            if not (0 <= eta < _INF):
                raise ValueError("lr must be finite and >= 0, got %r" % (lr,))
            return [eta] * n
        if self.optimizer is None:
            raise ValueError("layerwise_probe: no learning rate: make the Probe with optimizer=... or call step(loss, lr=...)")
        where = {}
        for g in self.optimizer.param_groups:
            for p in g["params"]:
                where[id(p)] = float(g["lr"])
        out = []
        for name, p in zip(self.layer_names, self.layer_params):
            if id(p) not in where:
                raise ValueError("layerwise_probe: %s is in no param group of the optimizer" % name)
            out.append(where[id(p)])
        return out

    @torch.no_grad()
    def _finish(self, rec):
        """Writes a recorded step once the weights after its update are there."""
        sums = []
        for b, p in zip(rec["before"], self.layer_params):
            d = b - _wide(p.detach())
            sums.append((d * d).sum(dtype=torch.float64))
            sums.append((b * d).sum(dtype=torch.float64))
        v = _gather(sums)
        angle = [angle_of_step(s, v[2 * l], v[2 * l + 1]) for l, s in enumerate(rec["sigma"])]
        q = rec["q"]
        columns = [rec["sigma"], rec["grad"], q["base_gradient"], q["elr"], q["classic_elr"], angle, q["orthogonality"], rec["lr"]]
        for name, col in zip(QUANTITIES, columns):
            self.npy[name].append(col)
        t = rec["step"]
        self.long.rows([[t, l, name] + [c[l] for c in columns] for l, name in enumerate(self.layer_names)])
        self.steps.rows([rec["row"]])

    def close(self):
        """Writes the last recorded step (its angle from the weights as they are now) and result.json. Idempotent;
        also run at exit and by `with Probe(...) as probe:`."""
        if self.closed:
            return
        self.closed = True
        if self.finder is not None:
            self.finder.remove()
        if self.tables is None:
            return
        if self.pending is not None:
            self._finish(self.pending)
            self.pending = None
        for f in list(self.npy.values()) + [self.long, self.steps, self.evals]:
            f.close()
        self.provenance["finished"] = _now()
        _write_json(os.path.join(self.folder, "provenance.json"), self.provenance)
        files = {}
        for name in sorted(os.listdir(self.folder)):
            p = os.path.join(self.folder, name)
            if os.path.isfile(p) and name != "result.json":
                files[name] = {"bytes": os.path.getsize(p)}
        rows = self.npy["elr"].rows
        _write_json(os.path.join(self.folder, "result.json"), {
            "source": "external",
            "stop_reason": "DIVERGED" if self.diverged_at is not None else "STEPS",
            "steps": self.calls,
            "recorded_steps": rows,
            "diverged_at_step": self.diverged_at,
            "last_batch_loss": _finite_or_none(self.last_loss),
            "test_loss": _finite_or_none(self.last_eval[1]) if self.last_eval else None,
            "test_accuracy": _finite_or_none(self.last_eval[2]) if self.last_eval else None,
            "seconds": time.time() - self.started,
            "files": files,
        })


def _gather(scalars):
    """Python floats of 0-d tensors that may live on several devices, in one transfer per device."""
    dev = scalars[0].device
    return torch.stack([x.to(dev) for x in scalars]).tolist()


def _wide(t):
    """Half-precision tensors are measured in float32 (their squares overflow in half); others as they are."""
    return t.float() if t.dtype in (torch.float16, torch.bfloat16) else t


def _plain(v):
    """A hyper-parameter as JSON: numbers, strings, booleans and None as they are, tuples as lists, the rest as text."""
    if v is None or isinstance(v, (bool, str)) or isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else repr(v)
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return repr(v)


def _git_commit():
    """The commit of the working directory's git checkout, or None (not a checkout, or no git)."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None
