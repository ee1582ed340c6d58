package org.revtaf.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.ElementwiseKernels;
import org.revtaf.engine.backend.ScalarMath;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.backend.cpu.kernels.VecMath;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.SplitMix;
import org.revtaf.engine.tensor.StridedIndex;
import org.revtaf.engine.tensor.Tensor;

/**
 * float32 elementwise kernels: VecMath for the transcendental functions, Vector API loops
 * with a scalar tail for arithmetic, fork-join over large arrays and over rows of broadcast views.
 */
final class CpuElementwise implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int GRAIN = 1 << 14;
    private static final FloatVector ZERO = FloatVector.zero(S), ONE = FloatVector.broadcast(S, 1f);

    @Override
    public void unary(Tensor out, Tensor x, int n, UnaryOp op, double a, double b) {
        float[] xa = x.f32(), ya = out.f32();
        int xo = x.offset(), yo = out.offset();
        VecMath.Fn fn = switch (op) {
            case EXP -> VecMath.Fn.EXP;
            case LOG -> VecMath.Fn.LOG;
            case TANH -> VecMath.Fn.TANH;
            case SIGMOID -> VecMath.Fn.SIGMOID;
            case GELU -> VecMath.Fn.GELU;
            case RELU -> VecMath.Fn.RELU;
            default -> null;
        };
        if (fn != null) {
            VecMath.map(fn, Buf.F32.of(x), Buf.F32.of(out), n);
            return;
        }
        float fa = (float) a, fb = (float) b;
        Parallel.range(n, GRAIN, (s, e) -> {
            int i = s;
            switch (op) {
                case AFFINE, NEG, ABS, SQRT, CLAMP -> {
                    for (; i + L <= e; i += L) {
                        FloatVector v = FloatVector.fromArray(S, xa, xo + i);
                        FloatVector r = switch (op) { // each operator constant at its call site
                            case AFFINE -> v.fma(fa, fb);
                            case NEG -> v.neg();
                            case ABS -> v.abs();
                            case SQRT -> v.sqrt();
                            default -> v.max(fa).min(fb); // CLAMP
                        };
                        r.intoArray(ya, yo + i);
                    }
                    for (; i < e; i++) ya[yo + i] = simple(op, xa[xo + i], fa, fb);
                }
                default -> {
                    for (; i < e; i++) ya[yo + i] = (float) ScalarMath.apply(op, xa[xo + i], a, b);
                }
            }
        });
    }

    /** The arithmetic unary ops on one element, as their vector loop computes them (float FMA for AFFINE). */
    private static float simple(UnaryOp op, float v, float a, float b) {
        return switch (op) {
            case AFFINE -> Math.fma(v, a, b);
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SQRT -> (float) Math.sqrt(v);
            default -> Math.min(Math.max(v, a), b); // CLAMP
        };
    }

    @Override
    public void unaryBackward(Tensor dx, Tensor dy, Tensor x, Tensor y, int n, UnaryOp op, double a, double b) {
        float[] g = dy.f32(), xa = x.f32(), ya = y.f32(), d = dx.f32();
        VecMath.Grad gr = switch (op) {
            case RELU -> VecMath.Grad.RELU;
            case GELU -> VecMath.Grad.GELU;
            case LOG -> VecMath.Grad.LOG;
            case TANH -> VecMath.Grad.TANH;
            case SIGMOID -> VecMath.Grad.SIGMOID;
            case EXP -> VecMath.Grad.EXP;
            default -> null;
        };
        if (gr != null) {
            boolean fromY = op == UnaryOp.TANH || op == UnaryOp.SIGMOID || op == UnaryOp.EXP;
            Tensor saved = fromY ? y : x;
            VecMath.grad(gr, Buf.F32.of(saved), Buf.F32.of(dy), Buf.F32.of(dx), n);
            return;
        }
        int go = dy.offset(), xo = x.offset(), yo = y.offset(), dO = dx.offset();
        Parallel.range(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++)
                d[dO + i] = (float) (g[go + i] * ScalarMath.derivative(op, xa[xo + i], ya[yo + i], a, b));
        });
    }

    @Override
    public void binary(Tensor out, Tensor a, Tensor b, BinaryOp op) {
        Strided L3 = new Strided(out, a, b);
        float[] o = out.f32(), x = a.f32(), y = b.f32();
        int so = L3.colStride(0), sa = L3.colStride(1), sb = L3.colStride(2), cols = L3.cols;
        int grain = Math.max(1, GRAIN / Math.max(cols, 1));
        if (L3.rows == 1) { // one long row: split it
            int oo = L3.rowOffset(0, 0), ao = L3.rowOffset(1, 0), bo = L3.rowOffset(2, 0);
            Parallel.range(
                    cols, GRAIN, (s, e) -> row(op, o, oo + s * so, so, x, ao + s * sa, sa, y, bo + s * sb, sb, e - s));
            return;
        }
        Parallel.range(L3.rows, grain, (s, e) -> {
            for (int r = s; r < e; r++)
                row(op, o, L3.rowOffset(0, r), so, x, L3.rowOffset(1, r), sa, y, L3.rowOffset(2, r), sb, cols);
        });
    }

    /**
     * One row: o[i] = x[i] op y[i] with column strides so (1), sa, sb in {0, 1, other}. A broadcast
     * operand (stride 0) is read from an L-wide copy at index i * 0, so one loop serves every case;
     * each Vector API operator is a constant at its call site (a run-time operator is not
     * intrinsified by C2 and falls back to the scalar Java implementation).
     */
    private static void row(
            BinaryOp op, float[] o, int oo, int so, float[] x, int ao, int sa, float[] y, int bo, int sb, int n) {
        if (so == 1 && (sa == 1 || sa == 0) && (sb == 1 || sb == 0)) {
            float[] xs = sa == 0 ? splat(x[ao]) : x, ys = sb == 0 ? splat(y[bo]) : y;
            int xb = sa == 0 ? 0 : ao, yb = sb == 0 ? 0 : bo;
            int i = 0;
            for (; i + L <= n; i += L) {
                FloatVector xv = FloatVector.fromArray(S, xs, xb + i * sa);
                FloatVector yv = FloatVector.fromArray(S, ys, yb + i * sb);
                FloatVector r = switch (op) {
                    case ADD -> xv.add(yv);
                    case SUB -> xv.sub(yv);
                    case MUL -> xv.mul(yv);
                    case DIV -> xv.div(yv);
                    case MAXIMUM -> xv.max(yv);
                    case MINIMUM -> xv.min(yv);
                    case EQ -> ZERO.blend(ONE, xv.compare(VectorOperators.EQ, yv));
                    case GE -> ZERO.blend(ONE, xv.compare(VectorOperators.GE, yv));
                };
                r.intoArray(o, oo + i);
            }
            for (; i < n; i++) o[oo + i] = (float) ScalarMath.apply(op, x[ao + i * sa], y[bo + i * sb]);
            return;
        }
        for (int i = 0; i < n; i++) o[oo + i * so] = (float) ScalarMath.apply(op, x[ao + i * sa], y[bo + i * sb]);
    }

    private static float[] splat(float v) {
        float[] a = new float[L];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Override
    public void where(Tensor out, Tensor cond, Tensor a, Tensor b) {
        Strided L4 = new Strided(out, cond, a, b);
        float[] o = out.f32(), x = a.f32(), y = b.f32();
        HeapStorage c = cond.heap();
        Object ca = c.array(); // read the condition in its own type: float/int64 masks are the common ones
        float[] cf = ca instanceof float[] f ? f : null;
        long[] cl = ca instanceof long[] l ? l : null;
        int so = L4.colStride(0), sc = L4.colStride(1), sa = L4.colStride(2), sb = L4.colStride(3);
        Parallel.range(L4.rows, Math.max(1, GRAIN / Math.max(L4.cols, 1)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int oo = L4.rowOffset(0, r), co = L4.rowOffset(1, r), ao = L4.rowOffset(2, r), bo = L4.rowOffset(3, r);
                for (int i = 0; i < L4.cols; i++) {
                    int k = co + i * sc;
                    boolean pick = cf != null ? cf[k] != 0 : cl != null ? cl[k] != 0 : c.get(k) != 0;
                    o[oo + i * so] = pick ? x[ao + i * sa] : y[bo + i * sb];
                }
            }
        });
    }

    /** One SplitMix64 draw per element (no generator state: chunks run in parallel, any order). */
    @Override
    public void dropout(Tensor out, Tensor x, int n, DropoutMask mask) {
        float[] xa = x.f32(), ya = out.f32();
        int xo = x.offset(), yo = out.offset();
        float scale = (float) mask.keepScale();
        long key = mask.key(), threshold = mask.threshold();
        Parallel.range(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                boolean keep = (SplitMix.mix64(key + i * SplitMix.GAMMA) >>> 32) >= threshold;
                ya[yo + i] = keep ? xa[xo + i] * scale : 0f;
            }
        });
    }

    @Override
    public void fill(Tensor out, double value) {
        float[] o = out.f32();
        int oo = out.offset();
        float v = (float) value;
        // in parts on every core: zeroGrad fills every parameter's gradient (161M floats, decoder)
        Parallel.range(out.numel(), 1 << 18, (s, e) -> java.util.Arrays.fill(o, oo + s, oo + e, v));
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        if (out.dtype() != x.dtype()) { // a conversion: element by element through double
            StridedIndex.copy(out, x);
            return;
        }
        float[] o = out.f32(), s = x.f32();
        if (out.isContiguous() && x.isContiguous()) {
            System.arraycopy(s, x.offset(), o, out.offset(), x.numel());
            return;
        }
        Strided L2 = new Strided(out, x);
        int so = L2.colStride(0), sx = L2.colStride(1);
        Parallel.range(L2.rows, Math.max(1, GRAIN / Math.max(L2.cols, 1)), (st, e) -> {
            for (int r = st; r < e; r++) {
                int oo = L2.rowOffset(0, r), xo = L2.rowOffset(1, r);
                if (so == 1 && sx == 1) System.arraycopy(s, xo, o, oo, L2.cols);
                else if (so == 1 && sx == 0) java.util.Arrays.fill(o, oo, oo + L2.cols, s[xo]); // expanded axis
                else for (int i = 0; i < L2.cols; i++) o[oo + i * so] = s[xo + i * sx];
            }
        });
    }
}
