package org.revtaf.engine.backend.reference;

import org.revtaf.engine.backend.AdamWStep;
import org.revtaf.engine.backend.OptimKernels;
import org.revtaf.engine.tensor.Tensor;

/** AdamW in double. */
public final class RefOptim implements OptimKernels {
    @Override
    public void adamw(Tensor param, Tensor m, Tensor v, Tensor grad, int n, AdamWStep geom) {
        double lr = geom.lr(), beta1 = geom.beta1(), beta2 = geom.beta2(), eps = geom.eps();
        double decay = lr * geom.weightDecay(), c1 = geom.biasCorrection1(), c2 = geom.biasCorrection2();
        double[] p = param.toDoubles(), mv = m.toDoubles(), vv = v.toDoubles(), g = grad.toDoubles();
        for (int i = 0; i < n; i++) {
            p[i] -= decay * p[i];
            mv[i] = beta1 * mv[i] + (1 - beta1) * g[i];
            vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= lr * (mv[i] / c1) / (Math.sqrt(vv[i] / c2) + eps);
        }
        param.setDoubles(p);
        m.setDoubles(mv);
        v.setDoubles(vv);
    }
}
