/**
 * Image classification data for the normalized-ResNet study: readers for CIFAR-10/100 (binary
 * version), ImageNet class folders and MNIST-format IDX files, the standard transforms, and a
 * background {@link org.layerwise.data.image.BatchLoader} that hands a training loop float batches in
 * NCHW order with int labels, bit-identically for any number of loader threads and after a resume.
 *
 * <p>The paper (Mehmeti-Göpel &amp; Wand, ICML 2024) names the data sets (CIFAR-10, CIFAR-100,
 * ImageNet) [paper]; the transforms and normalization constants here are the usual torchvision
 * conventions for those data sets, not taken from the paper's text, which is not available offline
 * [derived].
 */
package org.layerwise.data.image;
