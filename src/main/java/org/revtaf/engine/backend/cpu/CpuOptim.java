package org.revtaf.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.AdamWStep;
import org.revtaf.engine.backend.OptimKernels;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.Tensor;

/** AdamW as one fused Vector API pass over param, m, v and grad (float32). */
final class CpuOptim implements OptimKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public void adamw(Tensor param, Tensor m, Tensor v, Tensor grad, int n, AdamWStep geom) {
        float[] p = param.f32(), ma = m.f32(), va = v.f32(), g = grad.f32();
        int po = param.offset(), mo = m.offset(), vo = v.offset(), go = grad.offset();
        double lr = geom.lr(), beta1 = geom.beta1(), beta2 = geom.beta2();
        float decay = (float) (1 - lr * geom.weightDecay()), b1 = (float) beta1, b2 = (float) beta2;
        float a1 = (float) (1 - beta1), a2 = (float) (1 - beta2), fe = (float) geom.eps();
        float step1 = (float) (lr / geom.biasCorrection1()), inv2 = (float) (1 / Math.sqrt(geom.biasCorrection2()));
        // p' = decay p - step1 * m' / (sqrt(v') * inv2 + eps)
        Parallel.range(n, 1 << 14, (s, e) -> {
            for (int i = s; i < e; i += S.length()) {
                VectorMask<Float> k = S.indexInRange(i, e);
                FloatVector gv = FloatVector.fromArray(S, g, go + i, k);
                FloatVector mv = FloatVector.fromArray(S, ma, mo + i, k).mul(b1).add(gv.mul(a1));
                FloatVector vv = FloatVector.fromArray(S, va, vo + i, k)
                        .mul(b2)
                        .add(gv.mul(gv).mul(a2));
                FloatVector den = vv.sqrt().mul(inv2).add(fe);
                FloatVector pv = FloatVector.fromArray(S, p, po + i, k)
                        .mul(decay)
                        .sub(mv.mul(step1).div(den));
                mv.intoArray(ma, mo + i, k);
                vv.intoArray(va, vo + i, k);
                pv.intoArray(p, po + i, k);
            }
        });
    }
}
