package org.revtaf.backend.cpu.kernels;

/** Scalar oracle of {@link Norm} in double; same signatures and semantics. */
public final class NormRef {
    private NormRef() {}

    public static void layerNormForward(
            float[] x,
            int xOff,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yOff,
            float[] mean,
            int meanOff,
            float[] rstd,
            int rstdOff,
            int rows,
            int d,
            float eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mu = 0, var = 0;
            for (int j = 0; j < d; j++) mu += x[xOff + o + j];
            mu /= d;
            for (int j = 0; j < d; j++) var += (x[xOff + o + j] - mu) * (x[xOff + o + j] - mu);
            double rs = 1 / Math.sqrt(var / d + eps);
            if (mean != null) mean[meanOff + r] = (float) mu;
            if (rstd != null) rstd[rstdOff + r] = (float) rs;
            for (int j = 0; j < d; j++) {
                double v = (x[xOff + o + j] - mu) * rs;
                if (gamma != null) v *= gamma[gOff + j];
                if (beta != null) v += beta[bOff + j];
                y[yOff + o + j] = (float) v;
            }
        }
    }

    public static void layerNormBackward(
            float[] dy,
            int dyOff,
            float[] x,
            int xOff,
            float[] mean,
            int meanOff,
            float[] rstd,
            int rstdOff,
            float[] gamma,
            int gOff,
            float[] dx,
            int dxOff,
            float[] dgamma,
            int dgOff,
            float[] dbeta,
            int dbOff,
            int rows,
            int d) {
        double[] dg = new double[d], db = new double[d];
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mu = mean[meanOff + r], rs = rstd[rstdOff + r], sg = 0, sgx = 0;
            for (int j = 0; j < d; j++) {
                double xh = (x[xOff + o + j] - mu) * rs, g = dy[dyOff + o + j] * (gamma == null ? 1 : gamma[gOff + j]);
                sg += g;
                sgx += g * xh;
                dg[j] += dy[dyOff + o + j] * xh;
                db[j] += dy[dyOff + o + j];
            }
            if (dx == null) continue;
            for (int j = 0; j < d; j++) {
                double xh = (x[xOff + o + j] - mu) * rs, g = dy[dyOff + o + j] * (gamma == null ? 1 : gamma[gOff + j]);
                dx[dxOff + o + j] = (float) (rs * (g - sg / d - xh * sgx / d));
            }
        }
        for (int j = 0; j < d; j++) {
            if (dgamma != null) dgamma[dgOff + j] = (float) dg[j];
            if (dbeta != null) dbeta[dbOff + j] = (float) db[j];
        }
    }

    public static void batchNormForwardTrain(
            float[] x,
            int xOff,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yOff,
            float[] runMean,
            int rmOff,
            float[] runVar,
            int rvOff,
            float[] saveMean,
            int smOff,
            float[] saveRstd,
            int srOff,
            int n,
            int c,
            int hw,
            float eps,
            float momentum) {
        long count = (long) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double mu = 0, v = 0;
            for (int b = 0; b < n; b++) for (int i = 0; i < hw; i++) mu += x[xOff + (b * c + ch) * hw + i];
            mu /= count;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    double dd = x[xOff + (b * c + ch) * hw + i] - mu;
                    v += dd * dd;
                }
            double rs = 1 / Math.sqrt(v / count + eps);
            if (saveMean != null) saveMean[smOff + ch] = (float) mu;
            if (saveRstd != null) saveRstd[srOff + ch] = (float) rs;
            if (runMean != null) runMean[rmOff + ch] = (float) ((1 - momentum) * runMean[rmOff + ch] + momentum * mu);
            if (runVar != null)
                runVar[rvOff + ch] = (float)
                        ((1 - momentum) * runVar[rvOff + ch] + momentum * (count > 1 ? v / (count - 1) : v / count));
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    double val = (x[xOff + o] - mu) * rs;
                    if (gamma != null) val *= gamma[gOff + ch];
                    if (beta != null) val += beta[bOff + ch];
                    y[yOff + o] = (float) val;
                }
        }
    }

    public static void batchNormForwardEval(
            float[] x,
            int xOff,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yOff,
            float[] runMean,
            int rmOff,
            float[] runVar,
            int rvOff,
            int n,
            int c,
            int hw,
            float eps) {
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    double val = (x[xOff + o] - runMean[rmOff + ch]) / Math.sqrt(runVar[rvOff + ch] + (double) eps);
                    if (gamma != null) val *= gamma[gOff + ch];
                    if (beta != null) val += beta[bOff + ch];
                    y[yOff + o] = (float) val;
                }
    }

    public static void batchNormBackward(
            float[] dy,
            int dyOff,
            float[] x,
            int xOff,
            float[] saveMean,
            int smOff,
            float[] saveRstd,
            int srOff,
            float[] gamma,
            int gOff,
            float[] dx,
            int dxOff,
            float[] dgamma,
            int dgOff,
            float[] dbeta,
            int dbOff,
            int n,
            int c,
            int hw) {
        long count = (long) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double mu = saveMean[smOff + ch], rs = saveRstd[srOff + ch], sdy = 0, sdyx = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    sdy += dy[dyOff + o];
                    sdyx += dy[dyOff + o] * (x[xOff + o] - mu) * rs;
                }
            if (dgamma != null) dgamma[dgOff + ch] = (float) sdyx;
            if (dbeta != null) dbeta[dbOff + ch] = (float) sdy;
            if (dx == null) continue;
            double k = (gamma == null ? 1 : gamma[gOff + ch]) * rs;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    double xh = (x[xOff + o] - mu) * rs;
                    dx[dxOff + o] = (float) (k * (dy[dyOff + o] - sdy / count - xh * sdyx / count));
                }
        }
    }
}
