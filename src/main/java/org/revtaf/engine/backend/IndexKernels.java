package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/**
 * Indexing on contiguous tensors seen as (outer, size, inner) along the indexed axis. Indices are
 * int32 or int64; an index outside [0, size) is an error naming the op and the index.
 */
public interface IndexKernels {
    /** out (outer, nIdx, inner) = x[:, idx[j], :]; idx has nIdx entries. */
    void indexSelect(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx);

    /** dx[:, idx[j], :] += dy[:, j, :]. */
    void indexAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx);

    /** out (outer, nIdx, inner) = x[o, idx[o, j, i], i]; idx is (outer, nIdx, inner). */
    void gather(Tensor out, Tensor x, Tensor idx, int outer, int size, int inner, int nIdx);

    /** dx[o, idx[o, j, i], i] += dy[o, j, i]. */
    void scatterAdd(Tensor dx, Tensor dy, Tensor idx, int outer, int size, int inner, int nIdx);
}
