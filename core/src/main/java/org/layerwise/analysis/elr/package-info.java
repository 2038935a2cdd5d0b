/**
 * Effective learning rates (ELRs) of scale-invariant weights: the per-layer quantities, the
 * deterministic model of their evolution, the random-walk check of that model, and the critical
 * learning rate.
 *
 * <p>Source: Ali Mehmeti-Göpel &amp; Wand, "On the Weight Dynamics of Deep Normalized Networks",
 * ICML 2024 (design note {@code shared/design/elr-model.md}). Its full text is not available
 * offline. What the paper states is marked <b>[paper]</b> in the javadoc; everything else is
 * <b>[derived]</b> here from scale invariance (a weight tensor W followed by BatchNorm without affine
 * parameters leaves the loss unchanged under W &rarr; aW, hence &lt;w, g&gt; = 0 and g(aw) = g(w)/a).
 *
 * <p>Conventions shared by every class here:
 * <ul>
 *   <li>Per-layer values are {@code double[]} indexed by layer; time series are {@code double[][]}
 *       indexed {@code [step][layer]}. Layers are the normalized weight tensors only (the final
 *       classifier, not followed by a normalization layer, is not one of them).</li>
 *   <li>Step t uses the weights <i>before</i> update t: sigma_t = ||w_t||, the gradient g_t measured at
 *       w_t, the learning rate eta_t; then w_{t+1} = w_t - eta_t g_t (plain SGD).</li>
 *   <li>Base gradient c = sigma &middot; ||g|| (the gradient norm at the unit-norm rescaling of w);
 *       ELR e = eta &middot; ||g|| / sigma = eta c / sigma^2; spread S = max e / min e ({@link Spread}).</li>
 *   <li>Records expose their arrays without copying, for speed on long runs: treat them as read-only.
 *       Factories never keep a caller's array; they copy it.</li>
 * </ul>
 */
package org.layerwise.analysis.elr;
