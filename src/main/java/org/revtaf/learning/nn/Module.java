package org.revtaf.learning.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * A network building block: named parameters, buffers (running statistics) and child modules,
 * registered in construction order so names are stable ({@code layer1.0.conv1.weight}). A module
 * owns its tensors for its whole life; loading weights copies into them, so optimizers holding the
 * tensors stay valid.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ---- registration (constructors) --------------------------------------------------------

    /** Registers a trainable tensor initialised by {@code init}; returns it. */
    protected Tensor param(NnContext ctx, String name, Init init, boolean decay, int... shape) {
        Tensor t = Tensor.ofDoubles(ctx.device(), ctx.dtype(), init.sample(shape, ctx.init()), shape);
        return param(name, t, decay);
    }

    /** Registers an existing tensor as a parameter (marks it as requiring grad); returns it. */
    protected Tensor param(String name, Tensor t, boolean decay) {
        checkName(name);
        t.requiresGrad(true);
        params.put(name, new Parameter(t, decay && t.rank() >= 2));
        return t;
    }

    /** Registers a non-trainable state tensor saved with the weights; returns it. */
    protected Tensor buffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Registers a child module; returns it. */
    protected <M extends Module> M child(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module member name '" + name + "' must be non-empty, without '.'");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("module member '" + name + "' registered twice");
    }

    // ---- traversal --------------------------------------------------------------------------

    /** Every parameter by dotted name, depth first in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, null);
        return out;
    }

    /** Every buffer by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", null, out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> ps, Map<String, Tensor> bs) {
        if (ps != null) params.forEach((k, v) -> ps.put(prefix + k, v));
        if (bs != null) buffers.forEach((k, v) -> bs.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", ps, bs));
    }

    /** Parameters then buffers, by name: what is saved and loaded. */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.tensor()));
        out.putAll(namedBuffers());
        return out;
    }

    /** The trainable tensors in name order. */
    public List<Tensor> parameters() {
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : namedParameters().values()) out.add(p.tensor());
        return out;
    }

    /** Parameters that currently require a gradient (what an optimizer should own). */
    public Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> {
            if (p.tensor().requiresGrad()) out.put(k, p);
        });
        return out;
    }

    /**
     * Freezes (or unfreezes) every parameter: frozen ones get no gradient and are left out of
     * {@link #trainableParameters()} (the text encoder after its own stage).
     */
    public void freeze(boolean frozen) {
        for (Parameter p : namedParameters().values()) p.tensor().requiresGrad(!frozen);
    }

    /** Direct children by name. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.tensor().numel();
        return n;
    }

    // ---- mode -------------------------------------------------------------------------------

    /** Sets training mode here and in every descendant (dropout active, batch statistics used). */
    public void train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
    }

    public void eval() {
        train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Forgets every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : namedParameters().values()) p.tensor().zeroGrad();
    }

    // ---- weights ----------------------------------------------------------------------------

    /** Parameters and buffers as file arrays (copies). */
    public Map<String, NdArray> stateDict() {
        Map<String, NdArray> out = new LinkedHashMap<>();
        stateTensors().forEach((k, t) -> out.put(k, t.toNdArray()));
        return out;
    }

    /** Shapes of every saved tensor, by name (the target of a weight import). */
    public Map<String, long[]> stateShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        stateTensors().forEach((k, t) -> {
            long[] s = new long[t.rank()];
            for (int i = 0; i < s.length; i++) s[i] = t.shape(i);
            out.put(k, s);
        });
        return out;
    }

    /**
     * Copies {@code state} into the module's tensors. Strict: every tensor must be present with
     * its exact shape and nothing else may be given. Values convert from any numeric dtype.
     */
    public void loadStateDict(Map<String, NdArray> state, String what) {
        Map<String, Tensor> mine = stateTensors();
        List<String> problems = new ArrayList<>();
        for (String k : mine.keySet()) if (!state.containsKey(k)) problems.add("missing " + k);
        for (String k : state.keySet()) if (!mine.containsKey(k)) problems.add("unexpected " + k);
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            NdArray a = state.get(e.getKey());
            if (a != null && !Arrays.equals(a.shape(), longs(e.getValue().shapeRef())))
                problems.add("shape of " + e.getKey() + ": file " + Arrays.toString(a.shape()) + ", model "
                        + Shapes.str(e.getValue().shapeRef()));
        }
        if (!problems.isEmpty())
            throw new RevtafException(what + ": weights do not fit the model (" + problems.size() + " problems): "
                    + String.join("; ", problems.subList(0, Math.min(20, problems.size())))
                    + (problems.size() > 20 ? "; ..." : ""));
        mine.forEach((k, t) -> copyInto(t, state.get(k)));
    }

    /** Saves parameters and buffers as a plain safetensors weight file (atomic). */
    public void saveWeights(Path file) {
        Safetensors.write(file, stateDict());
    }

    /** Loads a file written by {@link #saveWeights} (strict). */
    public void loadWeights(Path file) {
        loadStateDict(Safetensors.readAll(file), file.toString());
    }

    /**
     * Imports a converted PyTorch state dict through a name mapping. Tensors the report lists as
     * loaded are copied in; resized ones fill their leading rows. Returns the report; the caller
     * decides whether a report that is not clean is an error ({@link MappingReport#requireClean}).
     */
    public MappingReport importWeights(Path file, WeightMapping mapping) {
        WeightImport.Result r = WeightImport.read(file, stateShapes(), mapping);
        apply(r);
        return r.report();
    }

    /** Copies the tensors of a mapping result into this module. */
    public void apply(WeightImport.Result r) {
        Map<String, Tensor> mine = stateTensors();
        r.tensors().forEach((k, a) -> copyInto(mine.get(k), a));
    }

    private static void copyInto(Tensor t, NdArray a) {
        double[] v = a.toDoubles();
        if (v.length == t.numel()) {
            t.setDoubles(v);
            return;
        }
        // fewer leading rows (resized vocabulary): keep the module's own values for the rest
        double[] cur = t.toDoubles();
        System.arraycopy(v, 0, cur, 0, Math.min(v.length, cur.length));
        t.setDoubles(cur);
    }

    private static long[] longs(int[] s) {
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i];
        return out;
    }
}
