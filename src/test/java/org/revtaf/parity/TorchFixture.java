package org.revtaf.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.revtaf.edges.io.Npy;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.MappingReport;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.WeightImport;
import org.revtaf.learning.nn.WeightMapping;

/**
 * One PyTorch fixture directory under src/test/resources/org/revtaf/parity, written by
 * benchmarks/pytorch/make_fixtures.py: {@code weights.safetensors} (PyTorch names), arrays as
 * {@code NAME.npy}, parameter gradients as {@code grads/PYTORCH_NAME.npy}, state after a step as
 * {@code after/PYTORCH_NAME.npy}. Values are compared norm-wise: |actual - expected|_2 /
 * |expected|_2. A parameter gradient's denominator is at least 1e-3 of the largest gradient norm
 * of the model: gradients that are zero analytically (attention key biases; query and key weights
 * of a DETR decoder's first self-attention, whose values are all equal) hold only float32 rounding
 * noise (about 1e-7 of the gradient scale) and are held to 1e-6 of the scale instead.
 */
final class TorchFixture {
    /** Norm-wise relative tolerances of issue 16 (float32). */
    static final double FORWARD_TOL = 1e-4, GRAD_TOL = 1e-3;

    /** {@code -Drevtaf.parity.verbose=true} prints every measured error (for the records). */
    private static final boolean VERBOSE = Boolean.getBoolean("revtaf.parity.verbose");

    final Path dir;
    final String name;

    TorchFixture(String name) {
        this.name = name;
        URL u = TorchFixture.class.getResource("/org/revtaf/parity/" + name);
        if (u == null)
            throw new IllegalStateException("fixture " + name + " missing: run benchmarks/pytorch/make_fixtures.py");
        try {
            dir = Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The backends the parity tests run on. */
    static Stream<Device> devices() {
        return Stream.of(Device.CPU, Device.REFERENCE);
    }

    NdArray array(String n) {
        return Npy.read(dir.resolve(n + ".npy"));
    }

    /** A float32 array as a tensor on {@code d} (int64 arrays stay int64). */
    Tensor tensor(String n, Device d) {
        return Tensor.fromNdArray(array(n), d);
    }

    /** An int64 0/1 array as a float32 mask tensor (attention padding masks). */
    Tensor mask(String n, Device d) {
        NdArray a = array(n);
        double[] v = a.toDoubles();
        return Tensor.ofDoubles(d, DType.FLOAT32, v, ints(a.shape()));
    }

    /** A float32 input that requires a gradient. */
    Tensor input(String n, Device d) {
        return tensor(n, d).requiresGrad(true);
    }

    Path weights() {
        return dir.resolve("weights.safetensors");
    }

    /** Imports the fixture's weights into {@code m} through {@code mapping}; the report must be clean. */
    MappingReport load(Module m, WeightMapping mapping) {
        return m.importWeights(weights(), mapping).requireClean();
    }

    /** Every {@code sub/NAME.npy} by NAME. */
    Map<String, NdArray> arrays(String sub) {
        Map<String, NdArray> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir.resolve(sub))) {
            for (Path p : s.toList()) {
                String f = p.getFileName().toString();
                if (f.endsWith(".npy")) out.put(f.substring(0, f.length() - 4), Npy.read(p));
            }
        } catch (IOException e) {
            throw new IllegalStateException(dir.resolve(sub) + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The PyTorch tensors of {@code sub} mapped onto {@code m}'s names with the same table as the
     * weights (packed attention gradients are split as the weights are). Every name in {@code
     * expectedNames} must be covered.
     */
    Map<String, NdArray> mapped(String sub, Module m, WeightMapping mapping, List<String> expectedNames) {
        WeightImport.Result r = WeightImport.map(arrays(sub), m.stateShapes(), mapping, name + "/" + sub);
        MappingReport rep = r.report();
        assertTrue(rep.unexpected().isEmpty() && rep.mismatched().isEmpty(), rep.toString());
        for (String n : expectedNames) assertTrue(r.tensors().containsKey(n), name + "/" + sub + " lacks " + n);
        return r.tensors();
    }

    /** Compares every parameter gradient of {@code m} with the fixture's {@code grads/}. */
    void assertParamGrads(String what, Module m, WeightMapping mapping) {
        List<String> params = new ArrayList<>(m.namedParameters().keySet());
        Map<String, NdArray> g = mapped("grads", m, mapping, params);
        double scale = 0;
        for (NdArray a : g.values()) scale = Math.max(scale, norm(a.toDoubles()));
        List<String> failures = new ArrayList<>();
        for (String p : params) {
            Tensor grad = m.namedParameters().get(p).tensor().grad();
            if (grad == null) {
                failures.add(p + ": no gradient");
                continue;
            }
            double e = relErr(grad.toDoubles(), g.get(p).toDoubles(), 1e-3 * scale);
            log(what + " grad " + p, e);
            if (!(e <= GRAD_TOL)) failures.add(String.format("%s: %.3g", p, e));
        }
        if (!failures.isEmpty())
            fail(what + ": parameter gradients off PyTorch's (norm-wise relative error > " + GRAD_TOL + "): "
                    + String.join("; ", failures));
    }

    /** |a - e| / max(|e|, floor), Euclidean norms. */
    static double relErr(double[] a, double[] e, double floor) {
        if (a.length != e.length) return Double.POSITIVE_INFINITY;
        double d = 0;
        for (int i = 0; i < a.length; i++) d += (a[i] - e[i]) * (a[i] - e[i]);
        return Math.sqrt(d) / Math.max(norm(e), floor);
    }

    private static void log(String what, double err) {
        if (VERBOSE) System.out.printf("parity %-90s %.3g%n", what, err);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** Shape and norm-wise relative error of {@code actual} against the fixture array {@code n}. */
    void assertClose(String what, Tensor actual, String n, double tol) {
        assertClose(what, actual, array(n), tol);
    }

    /** A scalar loss against array lossKey, then (after backward) the gradient of input against gradKey. */
    void assertLossAndGradient(String what, Tensor loss, String lossKey, Tensor input, String gradKey) {
        assertClose(what, loss.reshape(1), lossKey, FORWARD_TOL);
        loss.backward();
        assertClose(what + " gradient", input.grad(), gradKey, GRAD_TOL);
    }

    static void assertClose(String what, Tensor actual, NdArray expected, double tol) {
        long[] shape = Arrays.stream(actual.shapeRef()).asLongStream().toArray();
        assertArrayEquals(expected.shape(), shape, what + ": shape");
        double e = relErr(actual.toDoubles(), expected.toDoubles(), 0);
        log(what, e);
        assertTrue(e <= tol, String.format("%s: norm-wise relative error %.3g > %.1g", what, e, tol));
    }

    static int[] ints(long[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = Math.toIntExact(s[i]);
        return out;
    }

    /** Row {@code i} of a stacked array (steps, ...). */
    static NdArray row(NdArray a, int i) {
        long[] s = a.shape();
        long[] rs = Arrays.copyOfRange(s, 1, s.length);
        int n = (int) NdArray.numel(rs);
        if (a.dtype() == DType.FLOAT32)
            return NdArray.ofFloats(rs, Arrays.copyOfRange(a.toFloats(), i * n, (i + 1) * n));
        return NdArray.ofDoubles(rs, Arrays.copyOfRange(a.toDoubles(), i * n, (i + 1) * n));
    }

    /** Names of {@code m}'s buffers containing {@code part}, in order. */
    static List<String> bufferNames(Module m, String part) {
        List<String> out = new ArrayList<>();
        for (String k : m.namedBuffers().keySet()) if (k.contains(part)) out.add(k);
        return out;
    }
}
