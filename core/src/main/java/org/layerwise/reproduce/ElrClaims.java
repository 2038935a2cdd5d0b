package org.layerwise.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.layerwise.report.HtmlReport.Source;

/**
 * The claims of Mehmeti-Göpel & Wand, "On the Weight Dynamics of Deep Normalized Networks" (ICML 2024),
 * as docs/reproduce.md lists them: statements quoted from ../shared/seeds/ and ../shared/design/elr-model.md,
 * settings per scale, and the tests ({@link ElrTests}).
 */
final class ElrClaims {
    static final String PAPER = "Mehmeti-Göpel & Wand, ICML 2024";

    private ElrClaims() {
    }

    static final StudyUse TRAIN_QUICK = StudyUse.of("elr-trainability", "quick",
            "no-short ResNet-56, Fashion-MNIST (10,000 images), batch 128, constant lr 1.5, 120 steps, without and with the ELR warm-up, 3 seeds");
    static final StudyUse TRAIN_QUICK_SHORT = TRAIN_QUICK.with(StudyUse.settings("residuals", "short", "warmups", "none"),
            "short ResNet-56 under the same settings, without warm-up, 3 seeds");

    static StudyUse trainability(Scale s) {
        return switch (s) {
            case QUICK -> TRAIN_QUICK;
            case FULL -> StudyUse.of("elr-trainability", "full", "ResNet-20/56/110 short and no-short x {none, linear, elr} warm-up, Fashion-MNIST,"
                    + " lr 1.0, 2,000 steps, 3 seeds");
            case PAPER -> StudyUse.of("elr-trainability", "paper", "the paper's Figure 5 grid on CIFAR-10 (ResNet-20/56/110 x short/no-short x"
                    + " {none, linear, elr}), 64,000 steps, 3 seeds");
        };
    }

    static StudyUse constantLr(Scale s) {
        return switch (s) {
            case QUICK -> StudyUse.of("elr-constant-lr", "quick", "no-short ResNet-56, Fashion-MNIST, batch 128, constant lr 0.1 and 1, 150 steps");
            case FULL -> StudyUse.of("elr-constant-lr", "full", "no-short ResNet-56, Fashion-MNIST, constant lr 0.001 to 1, 10,000 steps each");
            case PAPER -> StudyUse.of("elr-constant-lr", "paper", "no-short ResNet-56, CIFAR-10, constant lr 0.001 to 1, 10,000 steps each");
        };
    }

    static StudyUse modelCheck(Scale s) {
        return switch (s) {
            case QUICK -> StudyUse.of("elr-model-check", "quick", "no-short ResNet-20, Fashion-MNIST, constant lr 0.1, 200 steps");
            case FULL -> StudyUse.of("elr-model-check", "full", "no-short ResNet-56, Fashion-MNIST, constant lr 0.1, 5,000 steps");
            case PAPER -> StudyUse.of("elr-model-check", "paper", "no-short ResNet-56, CIFAR-10, constant lr 0.1, 5,000 steps");
        };
    }

    static StudyUse criticalLr(Scale s) {
        return switch (s) {
            case QUICK -> StudyUse.of("elr-critical-lr", "quick", "no-short ResNet-56, Fashion-MNIST, grids of rates at three steps of a short run");
            case FULL -> StudyUse.of("elr-critical-lr", "paper", "no-short ResNet-56, grids before steps 0, 100, 1000 and 5000").with(
                    StudyUse.settings("dataset", "fashion-mnist"), "no-short ResNet-56, Fashion-MNIST, grids before steps 0, 100, 1000 and 5000");
            case PAPER -> StudyUse.of("elr-critical-lr", "paper", "no-short ResNet-56, CIFAR-10, grids before steps 0, 100, 1000 and 5000");
        };
    }

    static List<Claim> all() {
        List<Claim> c = new ArrayList<>();
        c.add(new Claim("1", PAPER, "constant learning rates drive the ELR ratios to 1",
                "with any constant learning rate, ELR ratios between layers converge to 1, despite the initial gradient explosion",
                Source.PAPER, "design/elr-model.md, Claims", "per constant lr: ρ = ln S_final / ln S_initial, the fraction of the log spread left"
                        + " (S = max ELR / min ELR over the normalized layers)",
                "reproduced when every constant lr that did not diverge has ρ ≤ 0.5 (the log spread has at least halved toward 0, i.e."
                        + " S toward 1); not reproduced when one has ρ ≥ 1 (the spread did not shrink); inconclusive in between. The setting"
                        + " must start from an exploding spread (S_initial ≥ 10) to test 'despite the initial gradient explosion'",
                s -> Claim.Setting.of(constantLr(s).label(), constantLr(s)), ElrTests::constantLr, List.of("plots/*spread*.svg")));
        c.add(new Claim("2", PAPER, "the model predicts σ and the ELR",
                "we will first check the limitations of the assumption about constant base gradients and validate the predictivity of our model",
                Source.PAPER, "seeds/000 (Experimental Validation); the model: design/elr-model.md §3 [derived]",
                "relative error of the predicted σ and ELR at the last recorded step, over the layers: (a) the model driven by the measured"
                        + " base gradients c, (b) the model with c frozen after the first recorded steps (the constant-base-gradient assumption)",
                "reproduced when (a) is within 1e-3 for every layer (the update rule holds to float32 file precision) and (b) is within 0.5"
                        + " (median over layers); not reproduced when (a) fails, or when (b) is off by more than 0.5 (the constant-c assumption"
                        + " breaks: the figures say by how much)",
                s -> Claim.Setting.of(modelCheck(s).label(), modelCheck(s)), ElrTests::modelCheck,
                List.of("plots/sigma_relative_error_*.svg", "plots/elr_relative_error_*.svg", "plots/*.svg")));
        c.add(new Claim("3", PAPER, "a critical learning rate separates shrinking from widening spreads",
                "a 'critical learning rate' that depends only on current ELRs separates the regime where ELR disparities shrink from the one"
                        + " where they widen",
                Source.PAPER, "design/elr-model.md, Claims; the formula η/√(e_max e_min) and the empirical rules are [derived] (§ Critical LR)",
                "per grid (a checkpoint of the run, candidate rates as multiples of the predicted critical LR, several steps and batches each):"
                        + " whether rates well above the prediction widen the spread and rates well below do not; and the empirical swap"
                        + " boundary over the predicted one (a bound where the grid does not bracket it)",
                "reproduced when every grid passes the widening test (rates ≥ 4x the prediction widen in most candidates, rates ≤ 0.25x do"
                        + " not) and every swap boundary is measured within a factor 4 of the prediction; not reproduced when a grid fails the"
                        + " widening test or its boundary is outside a factor 8 (bounds included); inconclusive otherwise",
                s -> Claim.Setting.of(criticalLr(s).label(), criticalLr(s)), ElrTests::criticalLr, List.of("plots/critical*.svg")));
        c.add(new Claim("4", PAPER, "the hyper-parameter-free ELR warm-up lowers the spread quickly",
                "a hyper-parameter-free warm-up minimizes ELR spread quickly",
                Source.PAPER, "design/elr-model.md, Claims; the rule η_t = min(target, critical LR at t) is [derived]",
                "mean ELR spread over the run (exp mean ln S), no-short network at the study's largest depth: ELR warm-up against none,"
                        + " as a ratio with a 95% Welch interval over seeds (on ln S)",
                "reproduced when the interval of the ratio lies below 1; not reproduced when it lies above 1; inconclusive otherwise. Needs"
                        + " ≥ 3 seeds per setting, a warm-up that engaged (the target lr above the critical LR at step 0) and no twins",
                s -> Claim.Setting.of(trainability(s).label(), trainability(s)), ElrTests::warmup,
                List.of("plots/spread_d*.svg", "plots/lr_over_critical_d*.svg", "plots/loss*.svg")));
        c.add(new Claim("5", PAPER, "ELR spread goes with trainability (Figure 5)",
                "for the No Short networks in regular training without warm-up (base), spreads (averaged over the training run) are very high"
                        + " and trainability is very low. Using skip connections (bottom), spreads are much lower and the network is able to train",
                Source.PAPER, "seeds/000 (Figure 5)",
                "at the largest depth, with 95% Welch intervals over seeds: (a) ln mean spread, no-short minus short (no warm-up); (b) training"
                        + " loss at the end (mean over the last tenth of the steps), no-short minus short; (c) the same loss, no-short without minus"
                        + " with the ELR warm-up. With ≥ 5 distinct settings also Spearman's ρ of setting means (mean spread vs test accuracy),"
                        + " bootstrap over seeds",
                "reproduced when (a), (b) and (c) all exclude 0 on the paper's side (positive) [and ρ's interval lies below 0 where it is"
                        + " computed]; not reproduced when one excludes 0 on the other side; inconclusive otherwise. Trainability here is the"
                        + " training loss [layerwise]: the paper's Figure 5 plots accuracy, shown beside it",
                s -> s == Scale.QUICK ? Claim.Setting.of(TRAIN_QUICK.label() + "; " + TRAIN_QUICK_SHORT.label(), TRAIN_QUICK, TRAIN_QUICK_SHORT)
                        : Claim.Setting.of(trainability(s).label(), trainability(s)),
                ElrTests::trainability, List.of("plots/trainability_scatter.svg", "plots/spread_d*.svg", "plots/loss*.svg")));
        return c;
    }

    /** The runs of every evidence, in order. */
    static List<JsonNode> runs(List<Evidence> evidence) {
        List<JsonNode> out = new ArrayList<>();
        evidence.forEach(e -> out.addAll(e.runs()));
        return out;
    }
}
