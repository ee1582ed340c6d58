package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import org.revtaf.engine.backend.AdamWStep;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.OptimKernels;
import org.revtaf.engine.tensor.Tensor;

/** The fused AdamW step of the cuda backend (kernels/optim/optim.cu), in place, float32. */
final class CudaOptim implements OptimKernels {
    private final CudaDevice d;
    private final OptimKernels host = HostFallback.of(OptimKernels.class, Backend::optim);

    CudaOptim(CudaDevice d) {
        this.d = d;
    }

    @Override
    public void adamw(Tensor param, Tensor m, Tensor v, Tensor grad, int n, AdamWStep s) {
        if (!dense(param, m, v, grad)) {
            host.adamw(param, m, v, grad, n, s);
            return;
        }
        double stepSize = s.lr() / (1 - Math.pow(s.beta1(), s.step()));
        double invBc2 = 1 / Math.sqrt(1 - Math.pow(s.beta2(), s.step()));
        d.k.adamw(
                d.stream,
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
