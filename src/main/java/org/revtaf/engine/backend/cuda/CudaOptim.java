package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import org.revtaf.engine.backend.AdamWStep;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.OptimKernels;
import org.revtaf.engine.tensor.Tensor;

/** The fused AdamW step of the cuda backend (kernels/optim/optim.cu), in place, float32. */
final class CudaOptim extends CudaFamily<OptimKernels> implements OptimKernels {

    CudaOptim(CudaDevice d) {
        super(d, OptimKernels.class, Backend::optim);
    }

    @Override
    public void adamw(Tensor param, Tensor m, Tensor v, Tensor grad, int n, AdamWStep s) {
        if (!dense(param, m, v, grad)) {
            host.adamw(param, m, v, grad, n, s);
            return;
        }
        double stepSize = s.lr() / s.biasCorrection1();
        double invBc2 = 1 / Math.sqrt(s.biasCorrection2());
        k.adamw(
                stream,
                at(param),
                at(m),
                at(v),
                at(grad),
                n,
                (float) s.beta1(),
                (float) s.beta2(),
                (float) s.eps(),
                (float) (1 - s.lr() * s.weightDecay()),
                (float) stepSize,
                (float) invBc2);
    }
}
