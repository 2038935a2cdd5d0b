/**
 * Benchmarks that time one named study end to end beside a reference implementation ({@code layerwise
 * bench study}); kept apart from the command line, which names no study.
 */
package org.layerwise.bench;
