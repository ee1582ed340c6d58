package org.revtaf.engine.backend.reference;

import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BackendBase;
import org.revtaf.engine.backend.BackendProvider;
import org.revtaf.engine.tensor.Device;

/**
 * The oracle: obvious scalar loops that read every input as double, compute in double and round
 * once when writing the output. Works for float32 and float64 tensors alike; float64 is what the
 * gradient checks use. Speed is not a goal here.
 */
public final class ReferenceBackend extends BackendBase implements BackendProvider {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    /** The provider the dispatcher loads (META-INF/services); it hands out {@link #INSTANCE}. */
    public ReferenceBackend() {
        super(
                Device.REFERENCE,
                new Kernels(
                        new RefElementwise(),
                        new RefReduce(),
                        new RefMatmul(),
                        new RefConv(),
                        new RefNorm(),
                        new RefIndex(),
                        new RefFused(),
                        new RefOptim()));
    }

    @Override
    public Backend create() {
        return INSTANCE;
    }
}
