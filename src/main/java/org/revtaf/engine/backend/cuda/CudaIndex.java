package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import java.lang.foreign.MemorySegment;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.IndexKernels;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * Indexing of the cuda backend (kernels/index/index.cu): select and gather copy 4- or 8-byte
 * elements of any dtype; the adds are float32 (atomics). A bad index is recorded on the device and
 * raised, naming the op and the index, at the next host synchronisation ({@link
 * CudaDevice#checkErrors}).
 */
final class CudaIndex extends CudaFamily<IndexKernels> implements IndexKernels {
    private static final long NO_SKIP = Long.MIN_VALUE;

    CudaIndex(CudaDevice d) {
        super(d, IndexKernels.class, Backend::index);
    }

    /** The kernels' index type code (2 int32, 3 int64) of a contiguous index tensor, else -1. */
    private static int idxType(Tensor idx) {
        if (!idx.isContiguous()) return -1;
        return idx.dtype() == DType.INT32 || idx.dtype() == DType.INT64
                ? idx.dtype().ordinal()
                : -1;
    }

    /** Element bytes of a contiguous tensor the copy kernels move (4 or 8), else -1. */
    private static int bits(Tensor t) {
        int b = t.dtype().byteSize();
        return t.isContiguous() && (b == 4 || b == 8) ? b : -1;
    }

    /**
     * The index kernels as one argument list: rt_index_select and rt_gather copy elements of
     * elemBytes (4 or 8) from b into a; rt_index_add and rt_scatter_add add float32 b into a (they
     * take no element size).
     */
    @FunctionalInterface
    private interface IndexKernel {
        void launch(
                MemorySegment stream,
                MemorySegment a,
                MemorySegment b,
                int elemBytes,
                MemorySegment idx,
                int idxType,
                long outer,
                long size,
                long inner,
                long nIdx,
                MemorySegment err);
    }

    /** One IndexKernels method: (out or dx, x or dy, idx, outer, size, inner, nIdx). */
    @FunctionalInterface
    private interface IndexOp {
        void run(Tensor a, Tensor b, Tensor idx, int outer, int size, int inner, int nIdx);
    }

    /** Whether the copy kernels take these tensors (else the host runs the op). */
    private static boolean copies(Tensor out, Tensor x, Tensor idx) {
        return idxType(idx) >= 0 && bits(x) >= 0 && bits(out) == bits(x);
    }

    /** Whether the add kernels take these tensors (else the host runs the op). */
    private static boolean adds(Tensor dx, Tensor dy, Tensor idx) {
        return idxType(idx) >= 0 && dense(dx, dy);
    }

    /** The kernel when it takes the tensors (onDevice), else the host path. */
    private void launch(
            IndexKernel kernel,
            boolean onDevice,
            IndexOp onHost,
            String op,
            Tensor a,
            Tensor b,
            Tensor idx,
            int outer,
            int size,
            int inner,
            int n) {
        if (!onDevice) onHost.run(a, b, idx, outer, size, inner, n);
        else
            kernel.launch(
                    stream, at(a), at(b), bits(b), at(idx), idxType(idx), outer, size, inner, n, dev.errorWord(op));
    }

    @Override
    public void indexSelect(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        boolean device = copies(out, x, idx);
        launch(k::indexSelect, device, host::indexSelect, "index_select", out, x, idx, outer, size, inner, nIdx);
    }

    @Override
    public void indexAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        IndexKernel all = (s, a, b, eb, i, t, o, n, in, m, e) -> k.indexAdd(s, a, b, i, t, o, n, in, m, NO_SKIP, e);
        launch(all, adds(dx, dy, idx), host::indexAdd, "index_add", dx, dy, idx, outer, size, inner, nIdx);
    }

    @Override
    public void gather(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        launch(k::gather, copies(out, x, idx), host::gather, "gather", out, x, idx, outer, size, inner, nIdx);
    }

    @Override
    public void scatterAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        IndexKernel add = (s, a, b, eb, i, t, o, n, in, m, e) -> k.scatterAdd(s, a, b, i, t, o, n, in, m, e);
        launch(add, adds(dx, dy, idx), host::scatterAdd, "scatter_add", dx, dy, idx, outer, size, inner, nIdx);
    }
}
