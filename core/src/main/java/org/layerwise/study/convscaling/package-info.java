/**
 * The depth-scaling study of Cohen, Cont, Rossier &amp; Xu (ICML 2021) on the CIFAR-10 conv ResNet:
 * spectral norms of the trained conv kernels per block ({@link org.layerwise.study.convscaling.BlockSpectra},
 * on {@link org.layerwise.analysis.ConvSpectrum}) and their scaling with depth, the exponents and the
 * regime label ({@link org.layerwise.study.convscaling.ConvScalingFits}).
 *
 * <p>Sources: scaling-reference.md sections 1.2 (model), 4.3-4.5 (fits, statistics, spectra), 5.2
 * (the figures' values) and 8.2. In the javadoc, <b>[REPO]</b> marks what the authors' code does,
 * <b>[paper]</b> what the paper states, <b>[INFERRED]</b> what the reference digest deduced, and
 * <b>[derived]</b> / <b>[layerwise]</b> what was worked out or chosen here.
 */
package org.layerwise.study.convscaling;
