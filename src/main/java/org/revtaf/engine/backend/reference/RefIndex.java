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

    /** One element k of a gather's output (o, j, i) and the element of the indexed input it reads. */
    private interface Pairs {
        void at(int k, int src);
    }

    /** Every (output element, input element) pair of a gather along an axis of {@code size}: x (outer, size, inner) -> (outer, nIdx, inner). */
    private static void gatherPairs(String op, long[] iv, int outer, int size, int inner, int nIdx, Pairs f) {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++)
                for (int i = 0; i < inner; i++) {
                    int k = (o * nIdx + j) * inner + i;
                    f.at(k, (o * size + check(op, iv[k], size)) * inner + i);
                }
    }

    @Override
    public void gather(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        double[] xv = x.toDoubles(), ov = new double[outer * nIdx * inner];
        gatherPairs("gather", idx.toLongs(), outer, size, inner, nIdx, (k, src) -> ov[k] = xv[src]);
        out.setDoubles(ov);
    }

    @Override
    public void scatterAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        double[] d = dx.toDoubles(), g = dy.toDoubles();
        gatherPairs("scatter_add", idx.toLongs(), outer, size, inner, nIdx, (k, dst) -> d[dst] += g[k]);
        dx.setDoubles(d);
    }
}
