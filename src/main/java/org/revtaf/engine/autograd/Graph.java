package org.revtaf.engine.autograd;

import org.revtaf.engine.tensor.Node;
import org.revtaf.engine.tensor.Tensor;

/** Recording of the define-by-run graph: what every op calls after its forward kernels ran. */
public final class Graph {
    private Graph() {}

    /**
     * Records {@code out} as produced by {@code op} from {@code inputs} when grad mode is on and any
     * input requires a gradient; returns out.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Node.BackwardFn fn) {
        if (needsGrad(inputs)) out.setGradFn(new Node(op, inputs.clone(), fn));
        return out;
    }

    /** True when an op on these inputs must record a node (used to skip saving for backward). */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }
}
