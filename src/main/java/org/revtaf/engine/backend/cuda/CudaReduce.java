package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.CrossEntropyArgs;
import org.revtaf.engine.backend.ReduceKernels;
import org.revtaf.engine.backend.ReduceOp;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * Reductions and softmax of the cuda backend (kernels/reduce/reduce.cu) over the middle axis of a
 * contiguous (outer, n, inner) float32 layout; argmax/argmin write int64. Other dtypes take the
 * counted host path.
 */
final class CudaReduce extends CudaFamily<ReduceKernels> implements ReduceKernels {

    private final int version, ceVersion;

    CudaReduce(CudaDevice d) {
        super(d, ReduceKernels.class, Backend::reduce);
        this.version = d.versions.of(KernelVersions.Family.REDUCE);
        this.ceVersion = d.versions.of(KernelVersions.Family.CROSS_ENTROPY);
    }

    @Override
    public void reduce(Tensor out, Tensor x, int outer, int n, int inner, ReduceOp op) {
        boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
        boolean outOk = out.isContiguous() && out.dtype() == (arg ? DType.INT64 : DType.FLOAT32);
        if (!dense(x) || !outOk) {
            host.reduce(out, x, outer, n, inner, op);
            return;
        }
        k.reduce(stream, at(out), at(x), outer, n, inner, op.ordinal(), version);
    }

    @Override
    public void softmax(Tensor out, Tensor x, int outer, int n, int inner, boolean log) {
        if (!dense(out, x)) {
            host.softmax(out, x, outer, n, inner, log);
            return;
        }
        k.softmaxFwd(stream, at(out), at(x), outer, n, inner, log ? 1 : 0, version);
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y, int outer, int n, int inner, boolean log) {
        if (!dense(dx, dy, y)) {
            host.softmaxBackward(dx, dy, y, outer, n, inner, log);
            return;
        }
        k.softmaxBwd(stream, at(dx), at(dy), at(y), outer, n, inner, log ? 1 : 0, version);
    }

    /** The kernels' code of an index dtype (int32, int64), else -1 (the host path). */
    private static int indexCode(Tensor t) {
        return t.dtype() == DType.INT32 || t.dtype() == DType.INT64 ? CudaArgs.code(t.dtype()) : -1;
    }

    @Override
    public void crossEntropy(CrossEntropyArgs a) {
        Tensor t = a.target();
        if (!dense(a.loss(), a.lse(), a.rowLoss(), a.logits()) || indexCode(t) < 0 || !t.isContiguous()) {
            host.crossEntropy(a);
            return;
        }
        k.crossEntropyFwd(
                stream,
                at(a.loss()),
                at(a.lse()),
                at(a.rowLoss()),
                at(a.logits()),
                at(t),
                indexCode(t),
                a.rows(),
                a.c(),
                a.ignoreIndex(),
                (float) a.smoothing(),
                dev.errorWord("cross_entropy"),
                ceVersion);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dloss, CrossEntropyArgs a) {
        Tensor t = a.target();
        if (!dense(dlogits, dloss, a.loss(), a.logits(), a.lse()) || indexCode(t) < 0 || !t.isContiguous()) {
            host.crossEntropyBackward(dlogits, dloss, a);
            return;
        }
        k.crossEntropyBwd(
                stream,
                at(dlogits),
                at(dloss),
                at(a.loss()),
                at(a.logits()),
                at(a.lse()),
                at(t),
                indexCode(t),
                a.rows(),
                a.c(),
                a.ignoreIndex(),
                (float) a.smoothing(),
                ceVersion);
    }
}
