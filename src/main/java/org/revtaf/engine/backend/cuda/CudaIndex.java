package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

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
final class CudaIndex implements IndexKernels {
    private static final long NO_SKIP = Long.MIN_VALUE;

    private final CudaDevice d;
    private final IndexKernels host = HostFallback.of(IndexKernels.class, Backend::index);

    CudaIndex(CudaDevice d) {
        this.d = d;
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

    @Override
    public void indexSelect(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        if (idxType(idx) < 0 || bits(x) < 0 || bits(out) != bits(x)) {
            host.indexSelect(out, x, idx, outer, size, inner, nIdx);
            return;
        }
        d.k.indexSelect(
                d.stream,
                at(out),
                at(x),
                bits(x),
                at(idx),
                idxType(idx),
                outer,
                size,
                inner,
                nIdx,
                d.errorWord("index_select"));
    }

    @Override
    public void indexAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        if (idxType(idx) < 0 || !dense(dx, dy)) {
            host.indexAdd(dx, dy, idx, outer, size, inner, nIdx);
            return;
        }
        d.k.indexAdd(
                d.stream,
                at(dx),
                at(dy),
                at(idx),
                idxType(idx),
                outer,
                size,
                inner,
                nIdx,
                NO_SKIP,
                d.errorWord("index_add"));
    }

    @Override
    public void gather(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx) {
        if (idxType(idx) < 0 || bits(x) < 0 || bits(out) != bits(x)) {
            host.gather(out, x, idx, outer, size, inner, nIdx);
            return;
        }
        d.k.gather(
                d.stream,
                at(out),
                at(x),
                bits(x),
                at(idx),
                idxType(idx),
                outer,
                size,
                inner,
                nIdx,
                d.errorWord("gather"));
    }

    @Override
    public void scatterAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx) {
        if (idxType(idx) < 0 || !dense(dx, dy)) {
            host.scatterAdd(dx, dy, idx, outer, size, inner, nIdx);
            return;
        }
        d.k.scatterAdd(
                d.stream, at(dx), at(dy), at(idx), idxType(idx), outer, size, inner, nIdx, d.errorWord("scatter_add"));
    }
}
