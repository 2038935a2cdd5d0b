package org.layerwise.data.image;

/** Which part of a data set: the training images, or the held-out ones (CIFAR's test set, ImageNet's val folder). */
public enum Split {
    TRAIN,
    TEST
}
