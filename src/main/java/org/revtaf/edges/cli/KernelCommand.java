package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.Npy;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.OpCatalog;
import org.revtaf.engine.ops.OpCatalog.Input;
import org.revtaf.engine.ops.OpCatalog.Kind;
import org.revtaf.engine.ops.OpCatalog.Spec;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec.Target;

/**
 * {@code revtaf kernel NAME --device D --in NAME=FILE.npy ... [--param K=V ...] [--grad-out
 * NAME=FILE.npy] --out DIR}: runs one op in isolation (../shared/CLI.md). Writes the forward output
 * as DIR/NAME.npy; with --grad-out also runs backward and writes DIR/grad_INPUT.npy for every
 * floating input. {@code revtaf kernel --list} prints every op with its inputs, params, outputs.
 */
@Command(
        name = "kernel",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Run one op in isolation on .npy inputs (forward, and backward with --grad-out).")
public final class KernelCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Op name (see --list).")
    String name;

    @Option(names = "--list", description = "List the ops with their inputs, params and outputs.")
    boolean list;

    @Mixin
    DeviceOptions deviceOptions;

    @Option(names = "--in", paramLabel = "NAME=FILE.npy", description = "An input array (repeat for each input).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--param", paramLabel = "K=V", description = "An op parameter (repeat; defaults shown by --list).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(
            names = "--grad-out",
            paramLabel = "NAME=FILE.npy",
            description = "Upstream gradient of the output: also run backward.")
    Map<String, String> gradOut = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the output .npy files.")
    Path out;

    @picocli.CommandLine.Spec(Target.SELF)
    picocli.CommandLine.Model.CommandSpec self;

    @Override
    public Integer call() {
        PrintWriter w = self.commandLine().getOut();
        if (list) {
            printList(w);
            return 0;
        }
        if (name == null) throw new RevtafException("kernel: give an op NAME, or --list to see them");
        Spec spec = OpCatalog.get(name);
        if (out == null) throw new RevtafException("kernel " + name + ": --out DIR is required");
        if (Files.exists(out) && !Files.isDirectory(out))
            throw new RevtafException("--out " + out + ": exists and is not a folder");
        rejectRepeated("--in", inputs);
        rejectRepeated("--grad-out", gradOut);
        rejectRepeated("--param", params);
        Device dev = deviceOptions.apply(self);
        Backends.of(dev); // a clear error when the device has no backend here
        Map<String, Tensor> in = readInputs(spec, dev, !gradOut.isEmpty());
        Map<String, String> ps = resolveParams(spec);
        NdArray upstream = gradOut.isEmpty() ? null : readGradOut(spec);
        Tensor result;
        try {
            result = spec.impl().apply(new OpCatalog.Args(name, in, ps));
        } catch (RevtafException | IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--param")) throw e;
            String shapes = in.entrySet().stream()
                    .map(x -> "--in " + x.getKey() + " "
                            + java.util.Arrays.toString(x.getValue().shapeRef()))
                    .collect(Collectors.joining(", "));
            throw new RevtafException("kernel " + name + " (" + shapes + "): " + e.getMessage(), e);
        }
        // Everything is computed and checked before the first file is written: a failing run leaves
        // --out as it was.
        Map<String, NdArray> files = new LinkedHashMap<>();
        files.put(spec.output() + ".npy", result.toNdArray());
        if (upstream != null) files.putAll(backward(spec, result, in, upstream));
        for (var f : files.entrySet()) rejectNaN("kernel " + name + " on " + dev + ": " + f.getKey(), f.getValue());
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new RevtafException("--out " + out + ": cannot create the folder (" + e + ")", e);
        }
        for (var f : files.entrySet()) Npy.write(out.resolve(f.getKey()), f.getValue());
        w.println("kernel " + name + " on " + dev + ": wrote " + files.size() + " file(s) to " + out);
        w.flush();
        return 0;
    }

    /** picocli keeps the last of repeated map keys; a repeated name is a mistake worth saying. */
    private void rejectRepeated(String option, Map<String, String> given) {
        var matched = self.commandLine().getParseResult().matchedOption(option);
        if (matched == null) return;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String v : matched.originalStringValues()) {
            String key = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
            if (!seen.add(key)) throw new RevtafException(option + " " + key + ": given more than once");
        }
    }

    /**
     * Never a silent NaN (CLI.md): a NaN in an input or in a result is an error naming the file
     * and the first index. Infinities pass (they are legitimate inputs and results, e.g. log(0)).
     */
    static void rejectNaN(String what, NdArray a) {
        if (!a.dtype().isFloating()) return;
        double[] v = a.toDoubles();
        int count = 0, first = -1;
        for (int i = 0; i < v.length; i++)
            if (Double.isNaN(v[i])) {
                if (first < 0) first = i;
                count++;
            }
        if (count == 0) return;
        throw new RevtafException(what + ": " + count + " of " + v.length + " values are NaN (first at "
                + indexString(first, a.shape()) + ")");
    }

    /** The C-order multi-index of a flat position, e.g. [1, 2]. */
    static String indexString(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return java.util.Arrays.toString(idx);
    }

    private static NdArray readNpy(String option, String file) {
        if (file.isEmpty()) throw new RevtafException(option + "=: no file name");
        Path p = Path.of(file);
        if (Files.isDirectory(p)) throw new RevtafException(option + "=" + file + ": is a folder, not a .npy file");
        if (!Files.isRegularFile(p)) throw new RevtafException(option + "=" + file + ": file not found");
        NdArray a = Npy.read(p);
        rejectNaN(option + "=" + file, a);
        return a;
    }

    private Map<String, Tensor> readInputs(Spec spec, Device dev, boolean grad) {
        Map<String, Input> byName = spec.inputs().stream().collect(Collectors.toMap(Input::name, i -> i));
        for (String given : inputs.keySet())
            if (!byName.containsKey(given))
                throw new RevtafException("--in " + given + ": op " + name + " has no input '" + given + "' (inputs: "
                        + spec.inputs() + ")");
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        for (Input i : spec.inputs()) {
            String file = inputs.get(i.name());
            if (file == null) {
                if (!i.optional())
                    throw new RevtafException("kernel " + name + ": missing --in " + i.name() + "=FILE.npy");
                continue;
            }
            arrays.put(i.name(), readNpy("--in " + i.name(), file));
        }
        DType valueType = arrays.entrySet().stream()
                .filter(e -> byName.get(e.getKey()).kind() == Kind.VALUE
                        && e.getValue().dtype() == DType.FLOAT64)
                .findFirst()
                .map(e -> DType.FLOAT64)
                .orElse(DType.FLOAT32);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : arrays.entrySet()) {
            Input i = byName.get(e.getKey());
            NdArray a = e.getValue();
            Tensor t;
            if (i.kind() == Kind.INDEX) {
                if (a.dtype().isFloating())
                    throw new RevtafException(
                            "--in " + i.name() + ": op " + name + " expects integer indices, got " + a.dtype());
                t = Tensor.fromNdArray(a, dev);
            } else {
                int[] shape = java.util.Arrays.stream(a.shape())
                        .mapToInt(Math::toIntExact)
                        .toArray();
                DType type = i.kind() == Kind.VALUE && a.dtype() == DType.FLOAT64 ? DType.FLOAT64 : valueType;
                t = Tensor.ofDoubles(dev, type, a.toDoubles(), shape);
                if (grad && i.kind() == Kind.VALUE) t.requiresGrad(true);
            }
            tensors.put(i.name(), t);
        }
        return tensors;
    }

    private Map<String, String> resolveParams(Spec spec) {
        Map<String, String> ps = new LinkedHashMap<>();
        for (String k : params.keySet())
            if (spec.params().stream().noneMatch(p -> p.name().equals(k)))
                throw new RevtafException("--param " + k + ": op " + name + " has no parameter '" + k + "' (params: "
                        + (spec.params().isEmpty() ? "none" : spec.params()) + ")");
        for (OpCatalog.Param p : spec.params()) {
            String v = params.getOrDefault(p.name(), p.defaultValue());
            if (v == null) throw new RevtafException("kernel " + name + ": missing --param " + p.name() + "=VALUE");
            ps.put(p.name(), v);
        }
        return ps;
    }

    private NdArray readGradOut(Spec spec) {
        if (gradOut.size() != 1 || !gradOut.containsKey(spec.output()))
            throw new RevtafException("--grad-out: op " + name + " has one output, '" + spec.output()
                    + "'; give --grad-out " + spec.output() + "=FILE.npy");
        return readNpy("--grad-out " + spec.output(), gradOut.get(spec.output()));
    }

    /** Runs backward from {@code upstream}; returns grad_INPUT.npy arrays for the floating inputs. */
    private Map<String, NdArray> backward(Spec spec, Tensor result, Map<String, Tensor> in, NdArray upstream) {
        String file = gradOut.get(spec.output());
        int[] shape = java.util.Arrays.stream(upstream.shape())
                .mapToInt(Math::toIntExact)
                .toArray();
        if (!java.util.Arrays.equals(shape, result.shapeRef()))
            throw new RevtafException(
                    "--grad-out " + spec.output() + "=" + file + ": shape " + java.util.Arrays.toString(shape)
                            + " but the output has shape " + java.util.Arrays.toString(result.shapeRef()));
        if (!result.requiresGrad())
            throw new RevtafException(
                    "--grad-out: op " + name + " has no gradient (integer output or no floating input)");
        result.backward(Tensor.ofDoubles(result.device(), result.dtype(), upstream.toDoubles(), shape));
        Map<String, NdArray> grads = new LinkedHashMap<>();
        for (var e : in.entrySet()) {
            Tensor t = e.getValue();
            if (!t.requiresGrad()) continue;
            Tensor grad = t.grad() != null ? t.grad() : Tensor.zeros(t.device(), t.dtype(), t.shapeRef());
            grads.put("grad_" + e.getKey() + ".npy", grad.toNdArray());
        }
        return grads;
    }

    private static void printList(PrintWriter w) {
        w.printf("%-20s %-42s %-44s %s%n", "NAME", "INPUTS (? optional)", "PARAMS (defaults)", "OUTPUT");
        for (Spec s : OpCatalog.all()) {
            String ins = s.inputs().stream().map(Input::toString).collect(Collectors.joining(" "));
            String ps = s.params().isEmpty()
                    ? "-"
                    : s.params().stream().map(Object::toString).collect(Collectors.joining(" "));
            w.printf("%-20s %-42s %-44s %s%n", s.name(), ins, ps, s.output());
        }
        w.println();
        w.println(
                "Inputs ':int' take integer .npy files; ':mask' inputs get no gradient. With --grad-out OUTPUT=FILE.npy"
                        + " the gradient of every other input is written as grad_INPUT.npy.");
        w.flush();
    }
}
