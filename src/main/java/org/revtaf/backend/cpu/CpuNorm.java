package org.revtaf.backend.cpu;

import org.revtaf.backend.NormKernels;
import org.revtaf.backend.cpu.kernels.Norm;
import org.revtaf.backend.cpu.kernels.Parallel;
import org.revtaf.backend.reference.ReferenceBackend;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Tensor;

/** float32 layer norm and batch norm on cpukern's Norm kernels; float64 runs the reference. */
final class CpuNorm implements NormKernels {
    private final NormKernels ref = ReferenceBackend.INSTANCE.norm();

    private static float[] a(Tensor t) {
        return t == null ? null : t.f32();
    }

    private static int o(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    @Override
    public void layerNorm(
            Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int d, double eps) {
        if (x.dtype() != DType.FLOAT32) {
            ref.layerNorm(out, mean, rstd, x, w, b, rows, d, eps);
            return;
        }
        Norm.layerNormForward(
                a(x), o(x), a(w), o(w), a(b), o(b), a(out), o(out), a(mean), o(mean), a(rstd), o(rstd), rows, d, (float)
                        eps);
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int rows, int d) {
        if (x.dtype() != DType.FLOAT32) {
            ref.layerNormBackward(dx, dw, db, dy, x, w, mean, rstd, rows, d);
            return;
        }
        Norm.layerNormBackward(
                a(dy), o(dy), a(x), o(x), a(mean), o(mean), a(rstd), o(rstd), a(w), o(w), a(dx), o(dx), a(dw), o(dw),
                a(db), o(db), rows, d);
    }

    @Override
    public void batchNorm(
            Tensor out,
            Tensor saveMean,
            Tensor saveInvStd,
            Tensor runMean,
            Tensor runVar,
            Tensor x,
            Tensor w,
            Tensor b,
            int n,
            int c,
            int hw,
            boolean training,
            double momentum,
            double eps) {
        if (x.dtype() != DType.FLOAT32) {
            ref.batchNorm(out, saveMean, saveInvStd, runMean, runVar, x, w, b, n, c, hw, training, momentum, eps);
            return;
        }
        if (training) {
            Norm.batchNormForwardTrain(
                    a(x),
                    o(x),
                    a(w),
                    o(w),
                    a(b),
                    o(b),
                    a(out),
                    o(out),
                    a(runMean),
                    o(runMean),
                    a(runVar),
                    o(runVar),
                    a(saveMean),
                    o(saveMean),
                    a(saveInvStd),
                    o(saveInvStd),
                    n,
                    c,
                    hw,
                    (float) eps,
                    (float) momentum);
            return;
        }
        Norm.batchNormForwardEval(
                a(x),
                o(x),
                a(w),
                o(w),
                a(b),
                o(b),
                a(out),
                o(out),
                a(runMean),
                o(runMean),
                a(runVar),
                o(runVar),
                n,
                c,
                hw,
                (float) eps);
        float[] rm = a(runMean), rv = a(runVar), sm = a(saveMean), si = a(saveInvStd);
        for (int ch = 0; ch < c; ch++) {
            sm[o(saveMean) + ch] = rm[o(runMean) + ch];
            si[o(saveInvStd) + ch] = (float) (1.0 / Math.sqrt(rv[o(runVar) + ch] + eps));
        }
    }

    @Override
    public void batchNormBackward(
            Tensor dx,
            Tensor dw,
            Tensor db,
            Tensor dy,
            Tensor x,
            Tensor w,
            Tensor saveMean,
            Tensor saveInvStd,
            int n,
            int c,
            int hw,
            boolean training) {
        if (x.dtype() != DType.FLOAT32) {
            ref.batchNormBackward(dx, dw, db, dy, x, w, saveMean, saveInvStd, n, c, hw, training);
            return;
        }
        if (training) {
            Norm.batchNormBackward(
                    a(dy),
                    o(dy),
                    a(x),
                    o(x),
                    a(saveMean),
                    o(saveMean),
                    a(saveInvStd),
                    o(saveInvStd),
                    a(w),
                    o(w),
                    a(dx),
                    o(dx),
                    a(dw),
                    o(dw),
                    a(db),
                    o(db),
                    n,
                    c,
                    hw);
            return;
        }
        // eval: the statistics are constants, dx = dy * w * invstd
        float[] g = a(dy),
                xa = a(x),
                sm = a(saveMean),
                si = a(saveInvStd),
                wa = a(w),
                d = a(dx),
                dwa = a(dw),
                dba = a(db);
        Parallel.range(c, 1, (s, e) -> {
            for (int ch = s; ch < e; ch++) {
                float m = sm[o(saveMean) + ch], inv = si[o(saveInvStd) + ch], wc = wa == null ? 1f : wa[o(w) + ch];
                double sg = 0, sgx = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    for (int j = 0; j < hw; j++) {
                        float gv = g[o(dy) + base + j];
                        sg += gv;
                        sgx += gv * (xa[o(x) + base + j] - m) * inv;
                        d[o(dx) + base + j] = gv * wc * inv;
                    }
                }
                if (dwa != null) dwa[o(dw) + ch] = (float) sgx;
                if (dba != null) dba[o(db) + ch] = (float) sg;
            }
        });
    }
}
