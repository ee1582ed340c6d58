package org.revtaf.engine.tensor;

/**
 * One recorded op in the define-by-run graph: its name, its inputs and the function that maps the
 * gradient of its output to the gradients of its inputs (null entries for inputs that need none).
 * Plain data held in a tensor's grad slot; {@code org.revtaf.engine.autograd.Graph} records nodes and
 * {@code org.revtaf.engine.autograd.Engine} runs them. The backward function captures whatever the
 * forward saved; it is dropped after it runs once.
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

    public Node(String op, Tensor[] inputs, BackwardFn fn) {
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

    /** Runs the backward function once; a second call is an error (the graph was already used). */
    public Tensor[] runBackward(Tensor gradOut) {
        BackwardFn f = fn;
        if (f == null)
            throw new IllegalStateException("backward through '" + op + "' a second time: the graph was already used");
        fn = null;
        return f.apply(gradOut);
    }
}
