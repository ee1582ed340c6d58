package org.revtaf.backend.reference;

import org.revtaf.backend.NormKernels;
import org.revtaf.tensor.Tensor;

/** Layer norm and batch norm in double. */
public final class RefNorm implements NormKernels {
    @Override
    public void layerNorm(
            Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int d, double eps) {
        double[] xv = x.toDoubles(), wv = w == null ? null : w.toDoubles(), bv = b == null ? null : b.toDoubles();
        double[] mv = new double[rows], rv = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += xv[r * d + j];
            double m = s / d, v = 0;
            for (int j = 0; j < d; j++) v += (xv[r * d + j] - m) * (xv[r * d + j] - m);
            double rs = 1.0 / Math.sqrt(v / d + eps);
            mv[r] = m;
            rv[r] = rs;
            for (int j = 0; j < d; j++) {
                double y = (xv[r * d + j] - m) * rs;
                xv[r * d + j] = y * (wv == null ? 1 : wv[j]) + (bv == null ? 0 : bv[j]);
            }
        }
        out.setDoubles(xv);
        mean.setDoubles(mv);
        rstd.setDoubles(rv);
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int rows, int d) {
        double[] xv = x.toDoubles(), gv = dy.toDoubles(), wv = w == null ? null : w.toDoubles();
        double[] mv = mean.toDoubles(), rv = rstd.toDoubles();
        double[] dxv = new double[rows * d], dwv = new double[d], dbv = new double[d];
        for (int r = 0; r < rows; r++) {
            double sg = 0, sgx = 0;
            for (int j = 0; j < d; j++) {
                double xh = (xv[r * d + j] - mv[r]) * rv[r];
                double g = gv[r * d + j] * (wv == null ? 1 : wv[j]);
                sg += g;
                sgx += g * xh;
                dwv[j] += gv[r * d + j] * xh;
                dbv[j] += gv[r * d + j];
            }
            for (int j = 0; j < d; j++) {
                double xh = (xv[r * d + j] - mv[r]) * rv[r];
                double g = gv[r * d + j] * (wv == null ? 1 : wv[j]);
                dxv[r * d + j] = rv[r] * (g - sg / d - xh * sgx / d);
            }
        }
        dx.setDoubles(dxv);
        if (dw != null) dw.setDoubles(dwv);
        if (db != null) db.setDoubles(dbv);
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
        double[] xv = x.toDoubles(), wv = w == null ? null : w.toDoubles(), bv = b == null ? null : b.toDoubles();
        double[] mv = new double[c], iv = new double[c];
        double[] rm = runMean == null ? null : runMean.toDoubles(), rvar = runVar == null ? null : runVar.toDoubles();
        int count = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double m, var;
            if (training) {
                double s = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) s += xv[(i * c + ch) * hw + j];
                m = s / count;
                double v = 0;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < hw; j++) v += (xv[(i * c + ch) * hw + j] - m) * (xv[(i * c + ch) * hw + j] - m);
                var = v / count;
                if (rm != null) rm[ch] = (1 - momentum) * rm[ch] + momentum * m;
                if (rvar != null) rvar[ch] = (1 - momentum) * rvar[ch] + momentum * (count > 1 ? v / (count - 1) : var);
            } else {
                m = rm[ch];
                var = rvar[ch];
            }
            mv[ch] = m;
            iv[ch] = 1.0 / Math.sqrt(var + eps);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < hw; j++) {
                    int k = (i * c + ch) * hw + j;
                    xv[k] = (xv[k] - m) * iv[ch] * (wv == null ? 1 : wv[ch]) + (bv == null ? 0 : bv[ch]);
                }
        }
        out.setDoubles(xv);
        saveMean.setDoubles(mv);
        saveInvStd.setDoubles(iv);
        if (training && rm != null) runMean.setDoubles(rm);
        if (training && rvar != null) runVar.setDoubles(rvar);
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
        double[] xv = x.toDoubles(), gv = dy.toDoubles(), wv = w == null ? null : w.toDoubles();
        double[] mv = saveMean.toDoubles(), iv = saveInvStd.toDoubles();
        double[] dxv = new double[xv.length], dwv = new double[c], dbv = new double[c];
        int count = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double sg = 0, sgx = 0, wc = wv == null ? 1 : wv[ch];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < hw; j++) {
                    int k = (i * c + ch) * hw + j;
                    double xh = (xv[k] - mv[ch]) * iv[ch];
                    sg += gv[k];
                    sgx += gv[k] * xh;
                }
            dwv[ch] = sgx;
            dbv[ch] = sg;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < hw; j++) {
                    int k = (i * c + ch) * hw + j;
                    double xh = (xv[k] - mv[ch]) * iv[ch];
                    dxv[k] = training ? wc * iv[ch] * (gv[k] - sg / count - xh * sgx / count) : wc * iv[ch] * gv[k];
                }
        }
        dx.setDoubles(dxv);
        if (dw != null) dw.setDoubles(dwv);
        if (db != null) db.setDoubles(dbv);
    }
}
