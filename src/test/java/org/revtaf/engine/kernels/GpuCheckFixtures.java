package org.revtaf.engine.kernels;

import static org.revtaf.engine.kernels.KernelTestSupport.gaussian;
import static org.revtaf.engine.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.engine.kernels.KernelTestSupport.toDouble;
import static org.revtaf.engine.kernels.KernelTestSupport.uniform;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Pairwise;
import org.revtaf.engine.backend.SinkhornGeom;

/**
 * The reference data of the standalone GPU check ({@code kernels/tests/gpu_check.cpp}, run by
 * benchmarks/gpu-check.sh on a machine without Java): seeded inputs and the outputs of the double
 * references of org.revtaf.engine.backend.reference ({@link KernelReferences}), rounded to float, with the
 * tolerances of the JUnit parity tests. Committed as {@link #FILE}; {@code GpuCheckTest} fails while
 * that file differs from what this class builds (regenerate with {@code
 * -Drevtaf.gpucheck.regenerate=true}).
 *
 * <p>Format (little-endian): "RTGC" u32 1, u32 cases; per case: str name, str op, u32 scalars (str
 * name, f64 value), u32 arrays (str name, u8 kind 0 = f32 input / 1 = u8 input / 2 = f32 expected,
 * u64 count, f32 atol, f32 rtol, data). str = u32 length + UTF-8 bytes.
 */
final class GpuCheckFixtures {
    private GpuCheckFixtures() {}

    static final Path FILE = Path.of("kernels/tests/gpu_check.fixtures");

    enum Kind {
        F32,
        U8,
        EXPECTED
    }

    /** One array: f32 data (inputs and expected values) or u8 data (masks). */
    record Arr(String name, Kind kind, float[] f, byte[] u, float atol, float rtol) {
        long count() {
            return kind == Kind.U8 ? u.length : f.length;
        }
    }

    /** One check: an op of kernels/include/revtaf_kernels.h, its scalar arguments and arrays. */
    record Case(String name, String op, Map<String, Double> scalars, List<Arr> arrays) {
        Case(String name, String op) {
            this(name, op, new LinkedHashMap<>(), new ArrayList<>());
        }

        Case s(String key, double value) {
            scalars.put(key, value);
            return this;
        }

        /** The size arguments, named in order by {@code names} (space-separated): {@code sizes("n d", n, d)}. */
        Case sizes(String names, int... values) {
            String[] keys = names.split(" ");
            if (keys.length != values.length)
                throw new IllegalArgumentException(names + ": " + values.length + " values");
            for (int i = 0; i < keys.length; i++) s(keys[i], values[i]);
            return this;
        }

        Case in(String key, float[] data) {
            arrays.add(new Arr(key, Kind.F32, data, null, 0, 0));
            return this;
        }

        Case mask(String key, byte[] data) {
            arrays.add(new Arr(key, Kind.U8, null, data, 0, 0));
            return this;
        }

        /** Expected values; atolRel is relative to the largest |value| (as the parity tests). */
        Case expect(String key, double[] ref, double atolRel, double atolAbs, double rtol) {
            float[] f = new float[ref.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) ref[i];
            }
            arrays.add(new Arr(key, Kind.EXPECTED, f, null, (float) (atolRel * maxAbs(ref) + atolAbs), (float) rtol));
            return this;
        }

        /** Gradients, named in order, with the parity tests' tolerance (1e-5 of the largest, rtol 1e-4). */
        Case expectGrads(double[][] grads, String... names) {
            for (int i = 0; i < names.length; i++) expect(names[i], grads[i], 1e-5, 0, 1e-4);
            return this;
        }
    }

    /**
     * A case of a pairwise op over n x m (rows x outputs or pairs) of dimension d, curvature c: inputs a
     * and b as the kernel names them, dout g, and the reference's out and gradients.
     */
    private static Case pairCase(
            String op, Pairwise<Buf.F64> k, float[] a, float[] b, float[] g, int n, int m, int d, double c) {
        var ref = KernelReferences.pairwise(k, toDouble(a), toDouble(b), n, m, d, c, toDouble(g));
        return new Case(op + " " + n + "x" + m + "x" + d, op)
                .sizes("n m d", n, m, d)
                .s("c", c)
                .in(k.aName(), a)
                .in(k.bName(), b)
                .in("dout", g)
                .expect("out", ref.out(), 0, 1e-5, 1e-4)
                .expectGrads(ref.grads(), "d" + k.aName(), "d" + k.bName());
    }

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        Random r = new Random(101);
        for (int[] sh : new int[][] {{33, 64, 1}, {9, 21, 0}}) { // y_stride 0: one y row broadcast
            int n = sh[0], d = sh[1], ys = sh[2] * d;
            double c = 0.5;
            float[] x = HyperbolicParity.ballPoints(r, n, d, 0.05, 1.3);
            float[] y = HyperbolicParity.ballPoints(r, ys == 0 ? 1 : n, d, 0.05, 1.3);
            float[] g = gaussian(r, n * d, 1.0);
            var ref = KernelReferences.mobiusAdd(toDouble(x), toDouble(y), ys, n, d, c, toDouble(g));
            cs.add(new Case("mobius_add " + n + "x" + d + " y_stride " + ys, "mobius_add")
                    .sizes("n d y_stride", n, d, ys)
                    .s("c", c)
                    .in("x", x)
                    .in("y", y)
                    .in("dout", g)
                    .expect("out", ref.out(), 0, 1e-5, 1e-4)
                    .expectGrads(ref.grads(), "dx", "dy"));
        }
        double[][] normRanges = {{0.1, 4.0}, {0.05, 0.95}, {0.5, 1.2}}; // expmap0 any; logmap0 inside; proj
        for (int map = 0; map < 3; map++) {
            int n = 13, d = 37;
            float[] x = HyperbolicParity.ballPoints(r, n, d, normRanges[map][0], normRanges[map][1]);
            float[] g = gaussian(r, n * d, 1.0);
            var ref = KernelReferences.rowMap(map, toDouble(x), n, d, 1.0, toDouble(g));
            cs.add(new Case("poincare_map " + new String[] {"expmap0", "logmap0", "proj"}[map], "poincare_map")
                    .sizes("n d", n, d)
                    .s("c", 1.0)
                    .s("map", map)
                    .in("x", x)
                    .in("dout", g)
                    .expect("out", ref.out(), 0, 1e-5, 1e-4)
                    .expectGrads(ref.grads(), "dx"));
        }
        for (int[] sh : new int[][] {{6, 5, 41}, {40, 24, 64}}) {
            int n = sh[0], m = sh[1], d = sh[2];
            float[] w = gaussian(r, m * d, 0.3);
            float[] x = HyperbolicParity.ballPoints(r, n, d, 0.05, 1.1);
            cs.add(pairCase("mobius_matvec", Pairwise.MATVEC_REF, w, x, gaussian(r, n * m, 1.0), n, m, d, 0.7));
        }
        for (int[] sh : new int[][] {{5, 7, 13}, {17, 33, 40}}) {
            int n = sh[0], m = sh[1], d = sh[2];
            float[] x = HyperbolicParity.ballPoints(r, n, d, 0.05, 0.9);
            float[] y = HyperbolicParity.ballPoints(r, m, d, 0.05, 0.9);
            cs.add(pairCase("poincare_dist", Pairwise.DIST_REF, x, y, gaussian(r, n * m, 1.0), n, m, d, 1.0));
        }
        // sinkhorn: converging with masks (iterations within 2 of the reference, forward only), a fixed
        // early stop with the backward (iterations must then match exactly), and 96 x 128: the largest
        // cost version 2 stages in shared memory (48 KB + its static bytes: launches only with the
        // cudaFuncSetAttribute opt-in, the bug of issue 17)
        for (Object[] sk :
                new Object[][] {{3, 7, 5, 0.2, 200, 1e-6}, {2, 33, 6, 0.1, 12, 1e-3}, {2, 96, 128, 0.5, 6, 0.0}}) {
            int b = (int) sk[0], p = (int) sk[1], t = (int) sk[2], maxIter = (int) sk[4];
            double eps = (double) sk[3], tol = (double) sk[5];
            boolean bwd = tol > 0 && tol < 1e-2;
            float[] cost = uniform(r, b * p * t, 0.0, 2.0);
            float[] g = gaussian(r, b * p * t, 1.0);
            byte[][] mk = OtOverlapParity.masks(b, p, t);
            var geom = new SinkhornGeom(b, p, t, (float) eps, maxIter, tol);
            var ref = KernelReferences.sinkhorn(toDouble(cost), mk[0], mk[1], geom, bwd ? toDouble(g) : null);
            Case c = new Case("sinkhorn " + b + "x" + p + "x" + t + " tol " + tol, "sinkhorn")
                    .sizes("b p t", b, p, t)
                    .s("eps", (float) eps)
                    .s("max_iter", maxIter)
                    .s("tol", tol)
                    .in("cost", cost)
                    .mask("pixel_mask", mk[0])
                    .mask("token_mask", mk[1])
                    .expect("plan", ref.plan(), 1e-4, 0, 2e-3)
                    .expect("iters", new double[] {ref.iters()}, 0, tol == 1e-6 ? 2 : 0, 0);
            if (bwd) {
                c.in("dplan", g).expect("dcost", ref.dcost(), 1e-3, 0, 5e-3);
            }
            cs.add(c);
        }
        {
            int b = 1, n = 17, m = 18, p = 50;
            float[] a = uniform(r, b * n * p, 0.0, 1.0);
            float[] g = uniform(r, b * m * p, 0.0, 1.0);
            a[3] = g[3]; // exact ties: the gradient splits 1/2 : 1/2
            float[] dout = gaussian(r, b * n * m, 1.0);
            var ref = KernelReferences.softIou(toDouble(a), toDouble(g), b, n, m, p, toDouble(dout));
            cs.add(new Case("soft_iou " + b + "x" + n + "x" + m + "x" + p, "soft_iou")
                    .sizes("b n m p", b, n, m, p)
                    .in("a", a)
                    .in("g", g)
                    .in("dout", dout)
                    .expect("out", ref.out(), 0, 1e-6, 1e-5)
                    .expectGrads(ref.grads(), "da", "dg"));
        }
        // attention: (b, h, n, s, d, causal); the last one has 520 keys (sequence 512+, odd sizes)
        for (int[] at : new int[][] {
            {2, 2, 19, 23, 32, 0}, {2, 1, 37, 37, 64, 1}, {1, 2, 19, 23, 128, 0}, {1, 1, 45, 520, 64, 1}
        }) {
            int b = at[0], h = at[1], n = at[2], s = at[3], d = at[4];
            boolean causal = at[5] != 0;
            double scale = 1.0 / Math.sqrt(d);
            float[] q = gaussian(r, b * h * n * d, 1.0);
            float[] k = gaussian(r, b * h * s * d, 1.0);
            float[] v = gaussian(r, b * h * s * d, 1.0);
            float[] dout = gaussian(r, b * h * n * d, 1.0);
            byte[] mask = AttentionParity.keyMask(b, s);
            var ref = KernelReferences.attention(
                    toDouble(q), toDouble(k), toDouble(v), mask, b, h, n, s, d, scale, causal, toDouble(dout));
            cs.add(new Case(
                            "attention " + b + "x" + h + "x" + n + "x" + s + " d" + d + (causal ? " causal" : ""),
                            "attention")
                    .sizes("b h n s d", b, h, n, s, d)
                    .s("scale", (float) scale)
                    .s("causal", causal ? 1 : 0)
                    .in("q", q)
                    .in("k", k)
                    .in("v", v)
                    .mask("key_mask", mask)
                    .in("dout", dout)
                    .expect("out", ref.out(), 0, 2e-5, 2e-4)
                    .expect("lse", ref.grads()[0], 0, 2e-5, 2e-5)
                    .expect("dq", ref.grads()[1], 2e-5, 0, 5e-4)
                    .expect("dk", ref.grads()[2], 2e-5, 0, 5e-4)
                    .expect("dv", ref.grads()[3], 2e-5, 0, 5e-4));
        }
        return cs;
    }

    // ---- serialisation ------------------------------------------------------------------------

    static byte[] write(List<Case> cases) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RTGC".getBytes(StandardCharsets.US_ASCII));
        u32(out, 1);
        u32(out, cases.size());
        for (Case c : cases) {
            str(out, c.name());
            str(out, c.op());
            u32(out, c.scalars().size());
            for (var e : c.scalars().entrySet()) {
                str(out, e.getKey());
                out.writeBytes(le(8).putDouble(e.getValue()).array());
            }
            u32(out, c.arrays().size());
            for (Arr a : c.arrays()) {
                str(out, a.name());
                out.write(a.kind().ordinal());
                out.writeBytes(le(16).putLong(a.count())
                        .putFloat(a.atol())
                        .putFloat(a.rtol())
                        .array());
                if (a.kind() == Kind.U8) {
                    out.writeBytes(a.u());
                } else {
                    ByteBuffer bb = le(4 * a.f().length);
                    for (float f : a.f()) {
                        bb.putFloat(f);
                    }
                    out.writeBytes(bb.array());
                }
            }
        }
        return out.toByteArray();
    }

    static List<Case> read(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        in.get(magic);
        if (!"RTGC".equals(new String(magic, StandardCharsets.US_ASCII)) || in.getInt() != 1) {
            throw new IllegalArgumentException("not a gpu-check fixture file (RTGC version 1)");
        }
        List<Case> cs = new ArrayList<>();
        for (int n = in.getInt(); n > 0; n--) {
            Case c = new Case(str(in), str(in));
            for (int k = in.getInt(); k > 0; k--) {
                c.scalars().put(str(in), in.getDouble());
            }
            for (int k = in.getInt(); k > 0; k--) {
                String name = str(in);
                Kind kind = Kind.values()[in.get()];
                int count = Math.toIntExact(in.getLong());
                float atol = in.getFloat(), rtol = in.getFloat();
                if (kind == Kind.U8) {
                    byte[] u = new byte[count];
                    in.get(u);
                    c.arrays().add(new Arr(name, kind, null, u, atol, rtol));
                } else {
                    float[] f = new float[count];
                    in.asFloatBuffer().get(f);
                    in.position(in.position() + 4 * count);
                    c.arrays().add(new Arr(name, kind, f, null, atol, rtol));
                }
            }
            cs.add(c);
        }
        return cs;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(le(4).putInt(v).array());
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(out, b.length);
        out.writeBytes(b);
    }

    private static String str(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
