package org.revtaf.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.ElementwiseKernels;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Node;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * Reverse-mode differentiation: topological order of the graph behind a tensor, then a reverse walk
 * that calls each node's backward and sums gradients per tensor (elementwise kernels of the
 * gradient's backend, no graph recorded). Leaf tensors that require grad receive their gradient in
 * {@code grad}, accumulated across calls (zero them with {@code zeroGrad}). Leaf gradient buffers
 * are allocated outside any {@link Scope} so they outlive the step that produced them.
 */
public final class Engine {
    private Engine() {}

    public static void backward(Tensor root, Tensor upstream) {
        if (!root.requiresGrad())
            throw new RevtafException(
                    "backward: the tensor " + root + " does not require grad (no input was a parameter)");
        if (upstream == null && root.numel() != 1)
            throw new RevtafException("backward: an upstream gradient is needed for a non-scalar tensor of shape "
                    + Shapes.str(root.shapeRef()));
        try (var g = GradMode.noGrad();
                var pass = Profiler.backward(null)) {
            Tensor seed = upstream != null ? upstream : Tensor.full(root.device(), root.dtype(), 1.0, root.shapeRef());
            checkGrad("backward", root, seed);
            List<Tensor> order = topological(List.of(root), Tensor::requiresGrad);
            Map<Tensor, Tensor> grads = new IdentityHashMap<>();
            grads.put(root, seed);
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor gOut = grads.remove(t);
                if (gOut == null) continue;
                if (t.isLeaf()) {
                    accumulateLeaf(t, gOut);
                    continue;
                }
                Node node = t.gradFn();
                Tensor[] in = node.inputs();
                Tensor[] gIn;
                try (var r = Profiler.backward(node.op())) {
                    gIn = node.runBackward(gOut);
                }
                for (int k = 0; k < in.length; k++) {
                    Tensor x = in[k];
                    if (x == null || !x.requiresGrad() || k >= gIn.length || gIn[k] == null) continue;
                    checkGrad(node.op(), x, gIn[k]);
                    Tensor prev = grads.get(x);
                    grads.put(x, prev == null ? gIn[k] : sum(prev, gIn[k]));
                }
            }
        }
    }

    /** Kernels for summing and storing gradients (profiled as the op "grad_accumulate"). */
    private static ElementwiseKernels kernels(Tensor t) {
        return Profiler.op("grad_accumulate", Backends.of(t.device(), t.dtype()))
                .elementwise();
    }

    /** a + b, same shape, dtype and device (a fresh contiguous tensor). */
    private static Tensor sum(Tensor a, Tensor b) {
        Tensor out = Tensor.empty(a.device(), a.dtype(), a.shapeRef());
        kernels(a).binary(out, a, b, BinaryOp.ADD);
        return out;
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        try (Scope s = Scope.suspend()) {
            if (leaf.grad() == null) {
                Tensor copy = Tensor.empty(g.device(), g.dtype(), g.shapeRef());
                kernels(g).copy(copy, g);
                leaf.setGrad(copy);
            } else kernels(g).binary(leaf.grad(), leaf.grad(), g, BinaryOp.ADD);
        }
    }

    private static void checkGrad(String op, Tensor x, Tensor g) {
        if (!Arrays.equals(x.shapeRef(), g.shapeRef()))
            throw new IllegalStateException(op + " backward: gradient of shape " + Shapes.str(g.shapeRef())
                    + " for an input of shape " + Shapes.str(x.shapeRef()));
        if (x.dtype() != g.dtype() || x.device() != g.device())
            throw new IllegalStateException(op + " backward: gradient " + g + " for input " + x);
    }

    /**
     * Every tensor behind {@code roots} through the graph's inputs that {@code follow} accepts, each
     * after its inputs (iterative depth first; the roots are always in). The backward pass follows
     * the inputs that require grad; the anomaly scan of the pipeline follows every input.
     */
    public static List<Tensor> topological(List<Tensor> roots, Predicate<Tensor> follow) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor root : roots) {
            if (!seen.add(root)) continue;
            stack.push(new Object[] {root, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Tensor t = (Tensor) top[0];
                int next = (Integer) top[1];
                Tensor[] in = t.gradFn() == null ? new Tensor[0] : t.gradFn().inputs();
                while (next < in.length && (in[next] == null || !follow.test(in[next]) || seen.contains(in[next])))
                    next++;
                if (next < in.length) {
                    top[1] = next + 1;
                    seen.add(in[next]);
                    stack.push(new Object[] {in[next], 0});
                } else {
                    stack.pop();
                    order.add(t);
                }
            }
        }
        return order;
    }
}
