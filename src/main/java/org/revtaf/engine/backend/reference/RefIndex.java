package org.revtaf.engine.backend.reference;

import org.revtaf.RevtafException;
import org.revtaf.engine.backend.IndexKernels;
import org.revtaf.engine.tensor.Tensor;

/** Index selection and scatter-add with bounds checks. */
public final class RefIndex implements IndexKernels {
    static int check(String op, long i, int size) {
        if (i < 0 || i >= size) throw new RevtafException(op + ": index " + i + " out of range [0, " + size + ")");
        return (int) i;
    }

    @Override
    public void indexSelect(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        double[] xv = x.toDoubles(), ov = new double[outer * nIdx * inner];
        long[] iv = idx.toLongs();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++) {
                int s = check("index_select", iv[j], size);
                for (int i = 0; i < inner; i++) ov[(o * nIdx + j) * inner + i] = xv[(o * size + s) * inner + i];
            }
        out.setDoubles(ov);
    }

    @Override
    public void indexAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        double[] d = dx.toDoubles(), g = dy.toDoubles();
        long[] iv = idx.toLongs();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++) {
                int s = check("index_add", iv[j], size);
                for (int i = 0; i < inner; i++) d[(o * size + s) * inner + i] += g[(o * nIdx + j) * inner + i];
            }
        dx.setDoubles(d);
    }

    @Override
    public void gather(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        double[] xv = x.toDoubles(), ov = new double[outer * nIdx * inner];
        long[] iv = idx.toLongs();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++)
                for (int i = 0; i < inner; i++) {
                    int k = (o * nIdx + j) * inner + i;
                    ov[k] = xv[(o * size + check("gather", iv[k], size)) * inner + i];
                }
        out.setDoubles(ov);
    }

    @Override
    public void scatterAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        double[] d = dx.toDoubles(), g = dy.toDoubles();
        long[] iv = idx.toLongs();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++)
                for (int i = 0; i < inner; i++) {
                    int k = (o * nIdx + j) * inner + i;
                    d[(o * size + check("scatter_add", iv[k], size)) * inner + i] += g[k];
                }
        dx.setDoubles(d);
    }
}
