package org.revtaf.autograd;

import org.revtaf.tensor.Tensor;

/**
 * One recorded op in the define-by-run graph: its name, its inputs and the function that maps the
 * gradient of its output to the gradients of its inputs (null entries for inputs that need none).
 * The backward function captures whatever the forward saved; it is dropped after it runs once.
 */
public final class Node {
    /** Gradient of the output to gradients of the inputs, in input order. */
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOut);
    }

    private final String op;
    private final Tensor[] inputs;
    private BackwardFn fn;

    Node(String op, Tensor[] inputs, BackwardFn fn) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
    }

    public String op() {
        return op;
    }

    public Tensor[] inputs() {
        return inputs;
    }

    Tensor[] runBackward(Tensor gradOut) {
        BackwardFn f = fn;
        if (f == null)
            throw new IllegalStateException("backward through '" + op + "' a second time: the graph was already used");
        fn = null;
        return f.apply(gradOut);
    }

    /**
     * Records {@code out} as produced by {@code op} from {@code inputs} when grad mode is on and any
     * input requires a gradient; returns out.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, BackwardFn fn) {
        if (!GradMode.isEnabled()) return out;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                out.setGradFn(new Node(op, inputs.clone(), fn));
                return out;
            }
        }
        return out;
    }

    /** True when an op on these inputs must record a node (used to skip saving for backward). */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }
}
