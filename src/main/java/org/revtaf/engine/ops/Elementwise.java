package org.revtaf.engine.ops;

import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Elementwise ops with broadcasting: unary math and activations, binary arithmetic, where. */
public final class Elementwise {
    private Elementwise() {}

    /** y = op(x; a, b) elementwise; backward dx = dy * op'(x). */
    public static Tensor unary(String name, Tensor x, UnaryOp op, double a, double b) {
        Backend be = Ops.backend(name, x);
        Tensor xd = Ops.dense(x);
        Tensor y = Ops.emptyLike(x);
        be.elementwise().unary(y, xd, x.numel(), op, a, b);
        return Graph.record(name, y, new Tensor[] {x}, g -> {
            Tensor dx = Ops.emptyLike(x);
            be.elementwise().unaryBackward(dx, Ops.dense(g), xd, y, x.numel(), op, a, b);
            return new Tensor[] {dx};
        });
    }

    /** out = a op b with NumPy broadcasting. */
    public static Tensor binary(String name, Tensor a, Tensor b, BinaryOp op) {
        Backend be = Ops.backend(name, a, b);
        int[] shape = Shapes.broadcast(name, a.shapeRef(), b.shapeRef());
        Tensor out = Tensor.empty(a.device(), a.dtype(), shape);
        be.elementwise().binary(out, Ops.broadcastView(a, shape), Ops.broadcastView(b, shape), op);
        if (op == BinaryOp.EQ || op == BinaryOp.GE) return out; // comparisons have no gradient
        return Graph.record(name, out, new Tensor[] {a, b}, g -> {
            Tensor ga, gb;
            switch (op) {
                case ADD -> {
                    ga = g;
                    gb = g;
                }
                case SUB -> {
                    ga = g;
                    gb = neg(g);
                }
                case MUL -> {
                    ga = binary("mul", g, b, BinaryOp.MUL);
                    gb = binary("mul", g, a, BinaryOp.MUL);
                }
                case DIV -> {
                    ga = binary("div", g, b, BinaryOp.DIV);
                    gb = neg(binary("div", binary("mul", g, out, BinaryOp.MUL), b, BinaryOp.DIV));
                }
                default -> { // MAXIMUM, MINIMUM: the gradient goes to the input that was chosen (a on ties)
                    Tensor pickA = binary("eq", out, a, BinaryOp.EQ);
                    ga = binary("mul", g, pickA, BinaryOp.MUL);
                    gb = binary("sub", g, ga, BinaryOp.SUB);
                }
            }
            return new Tensor[] {Ops.reduceTo(ga, a.shapeRef()), Ops.reduceTo(gb, b.shapeRef())};
        });
    }

    /** out = cond != 0 ? a : b, broadcasting all three; cond gets no gradient. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Backend be = Ops.backend("where", a, b);
        if (cond.device() != a.device())
            throw new org.revtaf.RevtafException("where: condition on " + cond.device() + ", values on " + a.device());
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shapeRef(), a.shapeRef()), b.shapeRef());
        Tensor out = Tensor.empty(a.device(), a.dtype(), shape);
        Tensor cv = Ops.broadcastView(cond, shape);
        be.elementwise().where(out, cv, Ops.broadcastView(a, shape), Ops.broadcastView(b, shape));
        return Graph.record("where", out, new Tensor[] {a, b}, g -> {
            Tensor zero = Tensor.zeros(g.device(), g.dtype());
            Tensor ga = where(cv, g, zero), gb = where(cv, zero, g);
            return new Tensor[] {Ops.reduceTo(ga, a.shapeRef()), Ops.reduceTo(gb, b.shapeRef())};
        });
    }

    /** x with value wherever mask != 0 (mask broadcasts to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        Shapes.broadcast("masked_fill", x.shapeRef(), mask.shapeRef());
        Tensor v = Tensor.full(x.device(), x.dtype(), value);
        Tensor out = where(mask, v, x);
        if (!java.util.Arrays.equals(out.shapeRef(), x.shapeRef()))
            throw new org.revtaf.RevtafException("masked_fill: mask " + Shapes.str(mask.shapeRef())
                    + " does not broadcast to " + Shapes.str(x.shapeRef()));
        return out;
    }

    public static Tensor neg(Tensor x) {
        return unary("neg", x, UnaryOp.NEG, 0, 0);
    }
}
