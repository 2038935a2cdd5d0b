/**
 * Learning-rate schedules and warm-ups, including the ELR warm-up of Ali Mehmeti-Göpel &amp; Wand (ICML
 * 2024) and per-layer constrained-ELR rates.
 *
 * <p>A training loop asks, at every step t, {@link org.layerwise.train.schedule.LrSchedule#needsMeasurement}
 * (whether the rate depends on the norms of this step), measures sigma_l = ||w_l|| and ||g_l|| of the
 * normalized layers if so, then takes {@link org.layerwise.train.schedule.LrSchedule#lr} (global) or
 * {@link org.layerwise.train.schedule.LrSchedule#rates} (per layer, when
 * {@link org.layerwise.train.schedule.LrSchedule#perLayer} is true) before updating. Schedules are pure
 * functions of (step, measurement) except where state is documented; that state round-trips through
 * {@link org.layerwise.train.schedule.LrSchedule#exportState} / {@code importState} as a {@code long[]}
 * so a resumed run continues identically.
 */
package org.layerwise.train.schedule;
