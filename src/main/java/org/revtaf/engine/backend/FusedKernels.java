package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * The REVTAF fused ops: Poincare-ball maps, Mobius addition and matvec, pairwise Poincare
 * distance, log-domain Sinkhorn, soft IoU, scaled-dot-product attention. The contracts (formulas,
 * clamps, masks) are the double oracles in {@code backend/reference} ({@code HyperbolicRef},
 * {@code SinkhornRef}, {@code SoftIouRef}, {@code AttentionRef}); argument names are those of the
 * C ABI (kernels/include/revtaf_kernels.h), {@code dout} being the gradient of the output. All
 * tensors are contiguous; masks are float32 (nonzero = valid) or null. Backward kernels overwrite
 * their gradient outputs and skip null ones.
 */
public interface FusedKernels {
    /** out [n, d] = x (+)_c y; y is [n, d] (yStride d) or one row [1, d] (yStride 0). */
    void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c);

    void mobiusAddBackward(Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int yStride, int n, int d, double c);

    /** out [n, d] = map(x) row by row: expmap0, logmap0 or proj. */
    void poincareMap(Tensor out, Tensor x, int n, int d, double c, RowMap map);

    void poincareMapBackward(Tensor dx, Tensor dout, Tensor x, int n, int d, double c, RowMap map);

    /** out [n, m] = mobius_matvec(w [m, d], x [n, d]). */
    void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c);

    void mobiusMatvecBackward(Tensor dw, Tensor dx, Tensor dout, Tensor w, Tensor x, int n, int m, int d, double c);

    /** out [n, m] = Poincare distance between rows of x [n, d] and y [m, d]. */
    void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c);

    void poincareDistBackward(Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int n, int m, int d, double c);

    /**
     * a.plan [b, p, t] from a.cost [b, p, t]; writes a.uHist and a.vHist for backward and the number
     * of iterations run into a.iters.
     */
    void sinkhorn(SinkhornArgs a);

    /** dcost [b, p, t] from dplan through the a.iters unrolled iterations of the forward a. */
    void sinkhornBackward(Tensor dcost, Tensor dplan, SinkhornArgs a);

    /** out [b, n, m] = soft IoU of maps a [b, n, p] and g [b, m, p]. */
    void softIou(Tensor out, Tensor a, Tensor g, int b, int n, int m, int p);

    void softIouBackward(Tensor da, Tensor dg, Tensor dout, Tensor a, Tensor g, int b, int n, int m, int p);

    /**
     * a.out [b, h, n, d], a.lse [b, h, n] from a.q [b, h, n, d], a.k and a.v [b, h, s, d]; keyMask [b, s];
     * dropout on the probabilities by {@code a.geom().drop()} ({@link DropoutMask#NONE}: none; backward
     * takes the same one).
     */
    void attention(AttentionArgs a);

    /** dq [b, h, n, d], dk and dv [b, h, s, d] (each may be null) from dout [b, h, n, d] and the forward a. */
    void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, AttentionArgs a);

    /**
     * The dtype this backend wants {@link #attention}'s q, k, v in for a call of geometry g whose
     * inputs are of dtype {@code given}; the op converts them once (no gradient through the
     * conversion: the gradients are those at the converted values, in float32) and keeps the converted
     * ones for the backward. out, lse and the gradients stay float32. Default: float32 for bfloat16
     * inputs, else the inputs' own dtype (the cuda backend answers bfloat16 where its BF16 kernels run
     * and {@code -Drevtaf.cuda.attention.bf16=true} or bfloat16 inputs ask for it).
     */
    default DType attentionInputType(AttentionGeom g, DType given) {
        return given == DType.BFLOAT16 ? DType.FLOAT32 : given;
    }
}
