/**
 * TensorBoard event files, with no knowledge of any study: {@link org.layerwise.export.tensorboard.TfRecord}
 * frames records (length, masked CRC32C, data, masked CRC32C),
 * {@link org.layerwise.export.tensorboard.EventWriter} writes {@code Event} messages of TensorBoard's own
 * .proto files (vendored in core/src/main/proto, encoded by protobuf-java) holding scalars
 * ({@code simple_value}) and histograms ({@link org.layerwise.export.tensorboard.Histograms}). What a
 * study exports is the study's own mapping ({@link org.layerwise.study.Study#tensorBoard()}).
 */
package org.layerwise.export.tensorboard;
