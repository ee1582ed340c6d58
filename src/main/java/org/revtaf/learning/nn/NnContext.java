package org.revtaf.learning.nn;

import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;

/**
 * What modules are built with: the device and dtype of their parameters, the generator that
 * initialises them (seeded: the same seed builds the same weights) and the generator dropout draws
 * from (saved in checkpoints so a resumed run drops the same units).
 */
public record NnContext(Device device, DType dtype, Rng init, Rng dropout) {
    /** float32 parameters on {@code device}; both generators derived from {@code seed}. */
    public static NnContext of(Device device, long seed) {
        Rng root = new Rng(seed);
        return new NnContext(device, DType.FLOAT32, root.fork(1), root.fork(2));
    }
}
