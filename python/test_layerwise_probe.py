"""Unit tests of layerwise_probe.py (python3 -m unittest test_layerwise_probe, from python/; run by
ProbeUnitTest in CI). The numbers themselves are checked against layerwise's Java probe by
ProbeCrossCheckTest; here: the rules for zero and non-finite values, the choice of layers, and the
errors a user gets."""
import json
import math
import os
import tempfile
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F

import layerwise_probe as lp

NAN = float("nan")


def net(bias=False):
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=bias), nn.BatchNorm2d(4, affine=False), nn.ReLU(),
                         nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.ReLU(),  # not followed by a normalization
                         nn.Flatten(), nn.Linear(4 * 4 * 4, 3), nn.LayerNorm(3))


def train(model, folder, steps=3, **kw):
    opt = kw.pop("opt", None) or torch.optim.SGD(model.parameters(), lr=0.1)
    probe = lp.Probe(model, folder, optimizer=opt, **kw)
    g = torch.Generator().manual_seed(0)
    for _ in range(steps):
        x = torch.randn(8, 3, 4, 4, generator=g)
        y = torch.randint(0, 3, (8,), generator=g)
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        probe.step(loss)
        opt.step()
    probe.close()
    return probe


class Definitions(unittest.TestCase):
    def test_zero_and_non_finite_values_follow_elr_quantities(self):
        q = lp.quantities([2.0, 2.0, 0.0, 2.0], [0.0, NAN, 1.0, 1.0], [0.5, 0.5, 0.5, 0.2], [0.1] * 4)
        self.assertEqual(q["elr"][0], 0.0)           # zero gradient: e = 0, orthogonality 0
        self.assertEqual(q["orthogonality"][0], 0.0)
        self.assertTrue(math.isnan(q["elr"][1]))     # NaN gradient
        self.assertEqual(q["classic_elr"][1], 0.1 / 4)
        self.assertTrue(math.isnan(q["classic_elr"][2]))  # sigma 0: everything undefined
        self.assertAlmostEqual(q["elr"][3], 0.05)
        self.assertAlmostEqual(q["orthogonality"][3], 0.1)
        s, ls, hi, lo = lp.spread_of_step(q["elr"], [0.1] * 4, q["ratio"])
        self.assertEqual((s, hi, lo), (1.0, 3, 3))   # only layer 3 is usable
        self.assertEqual(lp.spread_of([2.0, 2.0, 1.0, 1.0])[2:], (0, 2))  # ties to the lowest layer

    def test_every_rate_zero_gives_the_spread_of_the_ratios(self):
        s, _, hi, lo = lp.spread_of_step([0.0, 0.0], [0.0, 0.0], [2.0, 8.0])
        self.assertEqual((s, hi, lo), (4.0, 1, 0))
        self.assertAlmostEqual(lp.critical_lr([2.0, 8.0]), 0.25)
        self.assertTrue(math.isnan(lp.critical_lr([0.0, NAN])))

    def test_angle_of_an_orthogonal_step_is_atan_of_the_relative_step(self):
        self.assertAlmostEqual(lp.angle_of_step(2.0, 0.04, 0.0), math.atan(0.1), places=15)


class Layers(unittest.TestCase):
    def test_found_are_the_weights_that_feed_a_normalization_layer(self):
        with tempfile.TemporaryDirectory() as d:
            p = train(net(), d)
            meta = json.load(open(os.path.join(d, "layers.json")))
            self.assertEqual(meta["layers"], ["0.weight", "6.weight"])  # conv -> BatchNorm, linear -> LayerNorm
            self.assertEqual(meta["reported_apart"], ["3.weight", "6.bias", "7.weight", "7.bias"])  # LayerNorm affine
            self.assertEqual(meta["followed_by"], ["1 (BatchNorm2d)", "7 (LayerNorm)"])
            self.assertEqual(p.npy["elr"].rows, 3)

    def test_the_user_may_name_them(self):
        with tempfile.TemporaryDirectory() as d:
            model = net()
            train(model, d, layers=["3.weight"])
            self.assertEqual(json.load(open(os.path.join(d, "layers.json")))["layers"], ["3.weight"])
            train(model, d, layers=lambda n, p: n.endswith("0.weight"), overwrite=True)
            self.assertEqual(json.load(open(os.path.join(d, "layers.json")))["layers"], ["0.weight"])
            with self.assertRaisesRegex(KeyError, "no parameter 'conv9.weight'"):
                lp.Probe(model, os.path.join(d, "x"), layers=["conv9.weight"])

    def test_a_network_without_normalization_says_how_to_name_layers(self):
        model = nn.Sequential(nn.Linear(4, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        with tempfile.TemporaryDirectory() as d:
            probe = lp.Probe(model, d, optimizer=opt)
            model(torch.randn(2, 4)).sum().backward()
            with self.assertRaisesRegex(RuntimeError, "layers=\\[...\\]"):
                probe.step(0.0)
            probe.closed = True


class Records(unittest.TestCase):
    def test_every_k_steps_and_the_provenance_of_an_external_run(self):
        with tempfile.TemporaryDirectory() as d:
            opt_model = net()
            opt = torch.optim.Adam(opt_model.parameters(), lr=1e-3)
            train(opt_model, d, steps=5, every=2, opt=opt, description="unit test")
            steps = open(os.path.join(d, "steps.csv")).read().splitlines()
            self.assertEqual([r.split(",")[0] for r in steps[1:]], ["0", "2", "4"])
            prov = json.load(open(os.path.join(d, "provenance.json")))
            self.assertEqual((prov["source"], prov["optimizer"]["type"]), ("external", "Adam"))
            self.assertEqual(prov["optimizer"]["param_groups"][0]["betas"], [0.9, 0.999])
            self.assertIsNotNone(prov["finished"])
            result = json.load(open(os.path.join(d, "result.json")))
            self.assertEqual((result["steps"], result["recorded_steps"], result["stop_reason"]), (5, 3, "STEPS"))
            self.assertEqual(os.path.getsize(os.path.join(d, "eval.csv")), 0)  # written with its first row, as layerwise's

    def test_a_folder_with_a_run_is_not_overwritten_unasked(self):
        with tempfile.TemporaryDirectory() as d:
            train(net(), d)
            with self.assertRaises(FileExistsError):
                lp.Probe(net(), d)

    def test_a_probe_without_optimizer_needs_the_rate(self):
        model = net()
        with tempfile.TemporaryDirectory() as d:
            probe = lp.Probe(model, d)
            F.cross_entropy(model(torch.randn(2, 3, 4, 4)), torch.tensor([0, 1])).backward()
            with self.assertRaisesRegex(ValueError, "step\\(loss, lr=...\\)"):
                probe.step(0.0)
            probe.step(0.0, lr=0.05)  # the next step: the rate given
            probe.close()
            self.assertIsNone(json.load(open(os.path.join(d, "provenance.json")))["optimizer"])


if __name__ == "__main__":
    unittest.main()
