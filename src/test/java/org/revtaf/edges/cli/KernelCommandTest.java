package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.io.Npy;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cuda.CudaBackend;
import org.revtaf.engine.backend.cuda.CudaBackendProvider;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.ops.OpCatalog;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

class KernelCommandTest {
    @TempDir
    Path dir;

    /** Small inputs at 0.3 (well inside the ball for c = 0.5), masks 0 at every third entry. */
    private static final KernelInputs INPUTS = new KernelInputs(0.3, 3, 2);

    /**
     * Inputs per op: NAME=SHAPE (random normal), NAME=+SHAPE (positive), NAME=iBOUND:SHAPE (int64
     * indices below BOUND), NAME=mSHAPE (0/1 mask); then params.
     */
    private static final Map<String, String> CASES = new LinkedHashMap<>();

    static {
        for (String op : List.of("add", "sub", "mul", "maximum", "minimum", "ge")) CASES.put(op, "a=3x5 b=5");
        CASES.put("div", "a=3x5 b=+5");
        for (String op : List.of("neg", "exp", "abs", "relu", "gelu", "tanh", "sigmoid")) CASES.put(op, "x=2x7");
        CASES.put("log", "x=+2x7");
        CASES.put("sqrt", "x=+2x7");
        CASES.put("pow", "x=+2x7 --param p=1.5");
        CASES.put("clamp", "x=2x7 --param min=-0.5 --param max=0.5");
        CASES.put("where", "cond=m3x1 a=3x4 b=4");
        CASES.put("masked-fill", "x=3x4 mask=m4 --param value=-2");
        for (String op : List.of("sum", "mean", "max", "min", "logsumexp")) CASES.put(op, "x=3x4x5 --param axes=0,2");
        CASES.put("argmax", "x=3x5 --param axis=1");
        CASES.put("argmin", "x=3x5 --param axis=0");
        CASES.put("softmax", "x=3x5");
        CASES.put("log-softmax", "x=3x5 --param axis=0");
        CASES.put("matmul", "a=2x3x4 b=2x4x5");
        CASES.put("linear", "x=3x4 weight=5x4 bias=5");
        CASES.put("conv2d", "x=1x2x6x5 weight=3x2x3x3 bias=3 --param stride=2 --param padding=1");
        CASES.put("max-pool2d", "x=1x2x6x5 --param kernel=3 --param stride=2 --param padding=1");
        CASES.put("avg-pool2d", "x=1x2x6x5 --param kernel=2 --param stride=1 --param count_include_pad=false");
        CASES.put("adaptive-avg-pool2d", "x=1x2x7x5 --param oh=3 --param ow=2");
        CASES.put("bilinear", "x=1x2x3x4 --param oh=5 --param ow=7");
        CASES.put("layernorm", "x=3x6 weight=6 bias=6");
        CASES.put("batchnorm2d", "x=2x3x2x2 weight=3 bias=3");
        CASES.put("dropout", "x=4x5 --param p=0.3 --param seed=7");
        CASES.put("embedding", "weight=6x3 idx=i6:2x4");
        CASES.put("concat", "a=2x3 b=2x2 --param axis=1");
        CASES.put("stack", "a=2x3 b=2x3 c=2x3 --param axis=1");
        CASES.put("index-select", "x=4x3 idx=i4:5 --param axis=0");
        CASES.put("gather", "x=3x4 idx=i4:3x2 --param axis=1");
        CASES.put("cross-entropy", "logits=4x5 target=i5:4 --param label_smoothing=0.1");
        CASES.put("cosine-similarity", "a=3x4 b=3x4");
        CASES.put("mobius-add", "x=s3x4 y=s3x4 --param c=0.5");
        CASES.put("poincare-dist", "x=s3x4 y=s2x4 --param c=0.5");
        CASES.put("expmap0", "x=3x4 --param c=0.5");
        CASES.put("logmap0", "x=s3x4 --param c=0.5");
        CASES.put("proj", "x=3x4 --param c=0.5");
        CASES.put("mobius-matvec", "w=5x4 x=s3x4 --param c=0.5");
        CASES.put("sinkhorn", "cost=+2x4x3 --param eps=0.1 --param iters=30 --param tol=0");
        CASES.put(
                "sinkhorn#released",
                "cost=+2x4x3 --param eps=0.1 --param iters=30 --param tol=0 --param mode=released");
        CASES.put("soft-iou", "a=+2x3x6 b=+2x2x6");
        CASES.put("attention", "q=1x2x3x4 k=1x2x5x4 v=1x2x5x4 key_mask=m1x5 --param causal=true");
    }

    /**
     * Every op of {@code kernel --list} forward and backward on reference, cpu and cuda-emu; cpu and
     * cuda-emu agree with reference, and cuda-emu runs every one on its device kernels (no host
     * fallback).
     */
    @Test
    void everyOpRunsForwardAndBackwardOnEveryDeviceAndTheyAgree() throws Exception {
        Backends.register(new CudaBackendProvider.CudaEmu()); // other tests may have unregistered it
        long fallbacks = CudaBackend.hostFallbackCount();
        List<String> missing = OpCatalog.all().stream()
                .map(OpCatalog.Spec::name)
                .filter(n -> !CASES.containsKey(n))
                .toList();
        assertTrue(missing.isEmpty(), "ops without a CLI case: " + missing);
        for (var c : CASES.entrySet()) {
            String op = c.getKey().split("#")[0], tag = c.getKey().replace('#', '-');
            List<String> base = INPUTS.prepare(dir, op, c.getValue(), new Random(tag.hashCode()));
            String output = OpCatalog.get(op).output();
            Map<Device, Path> outs = new LinkedHashMap<>();
            for (Device dev : List.of(Device.REFERENCE, Device.CPU, Device.CUDA_EMU)) {
                Path o = dir.resolve(tag + "-" + dev);
                List<String> args = new ArrayList<>(base);
                args.addAll(List.of("--device", dev.cliName(), "--out", o.toString()));
                CliRun r = CliRun.run(args.toArray(String[]::new));
                assertEquals(0, r.status(), op + " forward on " + dev + ": " + r.err());
                boolean differentiable = !op.startsWith("arg") && !op.equals("ge");
                if (differentiable) {
                    NdArray y = Npy.read(o.resolve(output + ".npy"));
                    float[] g = new float[(int) y.numel()];
                    for (int k = 0; k < g.length; k++) g[k] = (float) Math.sin(k + 1.0);
                    Path gf = dir.resolve(op + "_g.npy");
                    Npy.write(gf, NdArray.ofFloats(y.shape(), g));
                    args.addAll(List.of("--grad-out", output + "=" + gf));
                    r = CliRun.run(args.toArray(String[]::new));
                    assertEquals(0, r.status(), op + " backward on " + dev + ": " + r.err());
                }
                outs.put(dev, o);
            }
            for (Device dev : List.of(Device.CPU, Device.CUDA_EMU))
                try (var files = Files.list(outs.get(Device.REFERENCE))) {
                    for (Path f : files.toList()) {
                        Path other = outs.get(dev).resolve(f.getFileName());
                        assertTrue(Files.exists(other), op + ": " + dev + " did not write " + f.getFileName());
                        TensorAssert.assertClose(
                                op + " " + f.getFileName() + " on " + dev,
                                Npy.read(other).toDoubles(),
                                Npy.read(f).toDoubles(),
                                1e-4,
                                1e-3);
                    }
                }
        }
        assertEquals(0, CudaBackend.hostFallbackCount() - fallbacks, "host fallbacks: " + CudaBackend.hostFallbacks());
    }

    @Test
    void outputsAndGradientsMatchTheOpLayer() {
        Random rng = new Random(3);
        List<String> args = INPUTS.prepare(dir, "matmul", "a=3x4 b=4x2", rng);
        Path o = dir.resolve("mm");
        Path g = npy("g.npy", new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        args.addAll(List.of("--device", "reference", "--out", o.toString(), "--grad-out", "out=" + g));
        assertEquals(0, CliRun.run(args.toArray(String[]::new)).status());
        Tensor a = Tensor.fromNdArray(Npy.read(dir.resolve("matmul_a.npy")), Device.REFERENCE)
                .requiresGrad(true);
        Tensor b = Tensor.fromNdArray(Npy.read(dir.resolve("matmul_b.npy")), Device.REFERENCE)
                .requiresGrad(true);
        Tensor y = F.matmul(a, b);
        y.backward(Tensor.fromNdArray(Npy.read(g), Device.REFERENCE));
        for (var e : Map.of("out", y, "grad_a", a.grad(), "grad_b", b.grad()).entrySet())
            TensorAssert.assertClose(
                    e.getKey(),
                    Npy.read(o.resolve(e.getKey() + ".npy")).toDoubles(),
                    e.getValue().toDoubles(),
                    1e-6,
                    1e-6);
    }

    @Test
    void listShowsEveryOpWithItsInterface() {
        CliRun r = CliRun.run("kernel", "--list");
        assertEquals(0, r.status());
        for (OpCatalog.Spec s : OpCatalog.all()) assertTrue(r.out().contains(s.name()), "missing " + s.name());
        assertTrue(
                r.out().contains("poincare-dist")
                        && r.out().contains("c=1.0")
                        && r.out().contains("plan"),
                r.out());
    }

    @Test
    void badInputsAreClearErrorsNamingTheArgument() {
        Path x = npy("x.npy", new long[] {2, 2}, 1, 2, 3, 4);
        Path out = dir.resolve("o");
        expectError("unknown op 'nope'", "nope", out);
        expectError("--param bogus", "relu", out, "--in", "x=" + x, "--param", "bogus=1");
        expectError("--in y: op relu has no input", "relu", out, "--in", "y=" + x);
        expectError("file not found", "relu", out, "--in", "x=" + dir.resolve("missing.npy"));
        expectError("missing --in b", "add", out, "--in", "a=" + x);
        expectError("--param axis=zz", "softmax", out, "--in", "x=" + x, "--param", "axis=zz");
        expectError("--device cuda: not available", "relu", out, "--device", "cuda", "--in", "x=" + x);
        CliRun.run("kernel", "relu", "--device", "tpu", "--in", "x=" + x, "--out", out.toString())
                .assertFails(2, "--device", "tpu"); // an unknown --device is bad usage (CLI.md)
        Path g = npy("g.npy", new long[] {3}, 1, 2, 3);
        expectError("--grad-out out=", "relu", out, "--in", "x=" + x, "--grad-out", "out=" + g);
        expectError("--in b [3]", "matmul", out, "--in", "a=" + x, "--in", "b=" + g);
    }

    @Test
    void nanInAnInputOrAResultIsAnErrorNamingTheFileAndIndex() {
        Path x = npy("x.npy", new long[] {2, 3}, 0.1f, 0.2f, 0.1f, 0.3f, Float.NaN, 0.2f);
        Path y = npy("y.npy", new long[] {2, 3}, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f);
        Path out = dir.resolve("nan-in");
        expectError(
                "--in x=" + x + ": 1 of 6 values are NaN (first at [1, 1])",
                "mobius-add",
                out,
                "--in",
                "x=" + x,
                "--in",
                "y=" + y);
        assertTrue(!Files.exists(out), "nothing written");
        // finite inputs, NaN result: log of a negative number
        Path neg = npy("neg.npy", new long[] {3}, 1f, -1f, 2f);
        expectError("out.npy: 1 of 3 values are NaN (first at [1])", "log", out, "--in", "x=" + neg);
        assertTrue(!Files.exists(out), "nothing written");
        // infinities are legitimate results
        Path zero = npy("zero.npy", new long[] {2}, 0f, 1f);
        assertEquals(
                0,
                CliRun.run("kernel", "log", "--in", "x=" + zero, "--out", out.toString())
                        .status());
        assertEquals(Float.NEGATIVE_INFINITY, Npy.read(out.resolve("out.npy")).toFloats()[0]);
        Path g = npy("g.npy", new long[] {2}, Float.NaN, 1f);
        expectError(
                "--grad-out out=" + g + ": 1 of 2 values are NaN (first at [0])",
                "exp",
                out,
                "--in",
                "x=" + zero,
                "--grad-out",
                "out=" + g);
    }

    @Test
    void aFailingBackwardLeavesTheOutputFolderUntouched() throws Exception {
        Path x = npy("x.npy", new long[] {2, 2}, 1, 2, 3, 4);
        Path g = npy("g.npy", new long[] {3}, 1, 2, 3);
        Path out = dir.resolve("o");
        expectError(
                "shape [3] but the output has shape [2, 2]", "exp", out, "--in", "x=" + x, "--grad-out", "out=" + g);
        assertTrue(!Files.exists(out), "no out.npy written before the failing backward");
        String missing = "out=" + dir.resolve("nope.npy");
        expectError("file not found", "exp", out, "--in", "x=" + x, "--grad-out", missing);
        assertTrue(!Files.exists(out), "no out.npy written when the gradient file is missing");
    }

    @Test
    void folderAndRepeatedArgumentsAreClearErrors() throws Exception {
        Path x = npy("x.npy", new long[] {2}, 1, 2);
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "not a folder");
        Path out = dir.resolve("o");
        expectError("--out " + file + ": exists and is not a folder", "exp", file, "--in", "x=" + x);
        expectError("--in x=" + dir + ": is a folder", "exp", out, "--in", "x=" + dir);
        expectError("--in x: given more than once", "exp", out, "--in", "x=" + x, "--in", "x=" + x);
        expectError(
                "--param p: given more than once", "pow", out, "--in", "x=" + x, "--param", "p=2", "--param", "p=3");
    }

    /** Writes {@code values} of {@code shape} to the test folder as a float32 .npy. */
    private Path npy(String name, long[] shape, float... values) {
        Path p = dir.resolve(name);
        Npy.write(p, NdArray.ofFloats(shape, values));
        return p;
    }

    /** {@code revtaf kernel OP ARGS --out OUT} fails (exit 1) naming {@code fragment}, without a stack trace. */
    private static void expectError(String fragment, String op, Path out, String... args) {
        CliRun r =
                CliRun.run(List.of("kernel", op, "--out", out.toString()), args).assertFails(1, fragment);
        assertTrue(!r.err().contains("at org.revtaf"), "no stack trace: " + r.err());
    }
}
