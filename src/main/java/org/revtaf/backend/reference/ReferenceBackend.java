package org.revtaf.backend.reference;

import org.revtaf.backend.Backend;
import org.revtaf.backend.BackendProvider;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.ElementwiseKernels;
import org.revtaf.backend.FusedKernels;
import org.revtaf.backend.IndexKernels;
import org.revtaf.backend.MatmulKernels;
import org.revtaf.backend.NormKernels;
import org.revtaf.backend.OptimKernels;
import org.revtaf.backend.ReduceKernels;
import org.revtaf.tensor.Device;

/**
 * The oracle: obvious scalar loops that read every input as double, compute in double and round
 * once when writing the output. Works for float32 and float64 tensors alike; float64 is what the
 * gradient checks use. Speed is not a goal here.
 */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private final RefElementwise elementwise = new RefElementwise();
    private final RefReduce reduce = new RefReduce();
    private final RefMatmul matmul = new RefMatmul();
    private final RefConv conv = new RefConv();
    private final RefNorm norm = new RefNorm();
    private final RefIndex index = new RefIndex();
    private final RefFused fused = new RefFused();
    private final RefOptim optim = new RefOptim();

    private ReferenceBackend() {}

    @Override
    public Device device() {
        return Device.REFERENCE;
    }

    @Override
    public ElementwiseKernels elementwise() {
        return elementwise;
    }

    @Override
    public ReduceKernels reduce() {
        return reduce;
    }

    @Override
    public MatmulKernels matmul() {
        return matmul;
    }

    @Override
    public ConvKernels conv() {
        return conv;
    }

    @Override
    public NormKernels norm() {
        return norm;
    }

    @Override
    public IndexKernels index() {
        return index;
    }

    @Override
    public FusedKernels fused() {
        return fused;
    }

    @Override
    public OptimKernels optim() {
        return optim;
    }

    /** Registers this backend with the dispatcher (META-INF/services/org.revtaf.backend.BackendProvider). */
    public static final class Provider implements BackendProvider {
        @Override
        public Device device() {
            return Device.REFERENCE;
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public Backend create() {
            return INSTANCE;
        }
    }
}
