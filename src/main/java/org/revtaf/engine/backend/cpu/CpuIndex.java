package org.revtaf.engine.backend.cpu;

import org.revtaf.engine.backend.IndexKernels;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.Tensor;

/**
 * float32 index kernels: row copies (System.arraycopy) for index_select/embedding, direct loops for
 * gather; the scatter-adds run serially over indices (repeated indices must not race). Bounds
 * errors name the op and index.
 */
final class CpuIndex implements IndexKernels {

    private static int check(String op, long i, int size) {
        if (i < 0 || i >= size)
            throw new org.revtaf.RevtafException(op + ": index " + i + " out of range [0, " + size + ")");
        return (int) i;
    }

    @Override
    public void indexSelect(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        long[] iv = idx.toLongs();
        for (long i : iv) check("index_select", i, size);
        float[] xa = x.f32(), oa = out.f32();
        int xo = x.offset(), oo = out.offset();
        Parallel.range(outer * nIdx, Math.max(1, 4096 / Math.max(inner, 1)), (s, e) -> {
            for (int q = s; q < e; q++) {
                int o = q / nIdx, j = q % nIdx;
                System.arraycopy(xa, xo + (o * size + (int) iv[j]) * inner, oa, oo + q * inner, inner);
            }
        });
    }

    @Override
    public void indexAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        long[] iv = idx.toLongs();
        float[] d = dx.f32(), g = dy.f32();
        int dO = dx.offset(), go = dy.offset();
        Parallel.range(outer, 1, (s, e) -> { // each outer slice is disjoint
            for (int o = s; o < e; o++)
                for (int j = 0; j < nIdx; j++) {
                    int db = dO + (o * size + check("index_add", iv[j], size)) * inner,
                            gb = go + (o * nIdx + j) * inner;
                    for (int i = 0; i < inner; i++) d[db + i] += g[gb + i];
                }
        });
    }

    @Override
    public void gather(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        long[] iv = idx.toLongs();
        float[] xa = x.f32(), oa = out.f32();
        int xo = x.offset(), oo = out.offset();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++)
                for (int i = 0; i < inner; i++) {
                    int k = (o * nIdx + j) * inner + i;
                    oa[oo + k] = xa[xo + (o * size + check("gather", iv[k], size)) * inner + i];
                }
    }

    @Override
    public void scatterAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        long[] iv = idx.toLongs();
        float[] d = dx.f32(), g = dy.f32();
        int dO = dx.offset(), go = dy.offset();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < nIdx; j++)
                for (int i = 0; i < inner; i++) {
                    int k = (o * nIdx + j) * inner + i;
                    d[dO + (o * size + check("scatter_add", iv[k], size)) * inner + i] += g[go + k];
                }
    }
}
