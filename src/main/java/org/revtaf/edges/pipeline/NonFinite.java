package org.revtaf.edges.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Engine;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.Node;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * Where a NaN or an infinity came from, found in the graph the forward pass recorded (every op
 * keeps its name and inputs until the step's scope closes), so it costs nothing until it is asked.
 *
 * <p>{@link #trace} starts at a non-finite result (the loss) and walks back through non-finite
 * tensors only; the first tensor reached whose own inputs are all finite is where the values went
 * non-finite (an op's output, or a parameter or batch input that already held them). {@link #scan}
 * (the {@code --detect-anomaly} mode) checks every tensor of the graph, so it also finds a NaN that
 * a later op masked out before the loss. Either names the op and its output shape, and the module:
 * the owner of a parameter the op consumed, or of the nearest parameter upstream of it (modules
 * have no common forward method to hook, but every module's work passes through its parameters).
 */
public final class NonFinite {
    private NonFinite() {}

    /** A non-finite loss or gradient; {@link #getMessage} names the step, the module and the tensor. */
    public static final class Fault extends RevtafException {
        public Fault(String message) {
            super(message);
        }
    }

    /** The graph's named tensors: parameters by dotted name, batch inputs by their names. */
    public record Names(Map<Tensor, String> parameters, Map<Tensor, String> inputs) {
        public static Names of(Map<String, ? extends Tensor> parameters, Map<String, Tensor> inputs) {
            Map<Tensor, String> p = new IdentityHashMap<>(), in = new IdentityHashMap<>();
            parameters.forEach((k, t) -> p.put(t, k));
            inputs.forEach((k, t) -> {
                if (t != null) in.put(t, k);
            });
            return new Names(p, in);
        }
    }

    /** "NaN", "+inf", "-inf" for the first non-finite value of {@code t}, or null when all are finite. */
    public static String badValue(Tensor t) {
        if (!t.dtype().isFloating()) return null;
        if (t.isContiguous() && t.storage() instanceof HeapStorage h && h.array() instanceof float[] a) {
            for (int i = t.offset(), end = t.offset() + t.numel(); i < end; i++)
                if (!Float.isFinite(a[i])) return describe(a[i]);
            return null;
        }
        for (double x : t.toDoubles()) if (!Double.isFinite(x)) return describe(x);
        return null;
    }

    private static String describe(double x) {
        return Double.isNaN(x) ? "NaN" : x > 0 ? "+inf" : "-inf";
    }

    /**
     * The origin of the non-finite values of {@code root}: a sentence naming the module, the op or
     * tensor and the value; empty when {@code root} is finite.
     */
    public static Optional<String> trace(Tensor root, Names names) {
        Map<Tensor, String> bad = new IdentityHashMap<>();
        if (value(root, bad) == null) return Optional.empty();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Tensor> todo = new ArrayDeque<>(List.of(root));
        seen.add(root);
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            List<Tensor> badInputs = new ArrayList<>();
            if (!names.inputs.containsKey(t) && !names.parameters.containsKey(t) && t.gradFn() != null)
                for (Tensor in : t.gradFn().inputs()) if (in != null && value(in, bad) != null) badInputs.add(in);
            if (badInputs.isEmpty()) return Optional.of(origin(t, bad.get(t), names));
            for (int i = badInputs.size() - 1; i >= 0; i--) if (seen.add(badInputs.get(i))) todo.push(badInputs.get(i));
        }
        throw new IllegalStateException("unreachable: a non-finite root has an origin");
    }

    /**
     * {@code --detect-anomaly}: the first tensor of the graph behind {@code roots} (inputs before
     * outputs) that holds a NaN although its inputs hold none; empty when there is none. Infinities
     * are left to {@link #trace}: masks legitimately hold -inf.
     */
    public static Optional<String> scan(List<Tensor> roots, Names names) {
        for (Tensor t : Engine.topological(roots, input -> true)) {
            if (!"NaN".equals(badValue(t))) continue;
            boolean inputsClean = true;
            if (!names.inputs.containsKey(t) && !names.parameters.containsKey(t) && t.gradFn() != null)
                for (Tensor in : t.gradFn().inputs()) if (in != null && "NaN".equals(badValue(in))) inputsClean = false;
            if (inputsClean) return Optional.of(origin(t, "NaN", names));
        }
        for (Map.Entry<Tensor, String> e : names.inputs.entrySet()) // inputs no op consumed yet
        if ("NaN".equals(badValue(e.getKey()))) return Optional.of(origin(e.getKey(), "NaN", names));
        return Optional.empty();
    }

    private static String value(Tensor t, Map<Tensor, String> memo) {
        if (memo.containsKey(t)) return memo.get(t);
        String v = badValue(t);
        memo.put(t, v);
        return v;
    }

    private static String origin(Tensor t, String value, Names names) {
        String p = names.parameters.get(t);
        if (p != null) return "module " + module(p) + ", parameter " + p + " holds " + value;
        String in = names.inputs.get(t);
        if (in != null) return "the batch input '" + in + "' " + Shapes.str(t.shapeRef()) + " holds " + value;
        if (t.gradFn() == null)
            return "a constant tensor " + Shapes.str(t.shapeRef()) + " holds " + value + " (" + nearest(t, names) + ")";
        Node n = t.gradFn();
        for (Tensor x : n.inputs()) {
            String q = x == null ? null : names.parameters.get(x);
            if (q != null)
                return "module " + module(q) + ": the output of '" + n.op() + "' " + Shapes.str(t.shapeRef())
                        + " on its parameter " + q + " holds " + value;
        }
        return nearest(t, names) + ": the output of '" + n.op() + "' " + Shapes.str(t.shapeRef()) + " holds " + value;
    }

    /** "module M" of the nearest parameter upstream of {@code t} (breadth first), or where its data came from. */
    private static String nearest(Tensor t, Names names) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Tensor> q = new ArrayDeque<>(List.of(t));
        while (!q.isEmpty()) {
            Tensor x = q.poll();
            if (!seen.add(x)) continue;
            String p = names.parameters.get(x);
            if (p != null) return "module " + module(p) + " (after its parameter " + p + ")";
            String in = names.inputs.get(x);
            if (in != null) return "computed from the batch input '" + in + "'";
            if (x.gradFn() != null) for (Tensor y : x.gradFn().inputs()) if (y != null) q.add(y);
        }
        return "outside any module";
    }

    /** The module of a dotted parameter name: everything before the last dot. */
    public static String module(String parameter) {
        int dot = parameter.lastIndexOf('.');
        return dot < 0 ? "(root)" : parameter.substring(0, dot);
    }
}
