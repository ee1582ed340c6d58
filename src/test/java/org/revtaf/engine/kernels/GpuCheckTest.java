package org.revtaf.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone GPU check proves itself without a GPU: its committed reference data is what {@link
 * GpuCheckFixtures} builds from the Java references today, and {@code benchmarks/gpu-check.sh --emu}
 * (the same harness, same script, against the emulated library) passes every case and every version,
 * and fails when a reference value is wrong.
 */
class GpuCheckTest {
    private static final Path NATIVE = Path.of(System.getProperty("revtaf.native.dir", "target/native"));

    @Test
    void committedFixturesAreWhatTheReferencesGiveToday() throws IOException {
        byte[] expected = GpuCheckFixtures.write(GpuCheckFixtures.cases());
        if (Boolean.getBoolean("revtaf.gpucheck.regenerate")) {
            Files.write(GpuCheckFixtures.FILE, expected);
        }
        List<GpuCheckFixtures.Case> want = GpuCheckFixtures.read(expected);
        List<GpuCheckFixtures.Case> have = GpuCheckFixtures.read(Files.readAllBytes(GpuCheckFixtures.FILE));
        String hint = " (regenerate: ./mvnw -B -o -q test -Dtest=GpuCheckTest -Drevtaf.gpucheck.regenerate=true)";
        assertEquals(names(want), names(have), GpuCheckFixtures.FILE + " is stale: cases differ" + hint);
        for (int i = 0; i < want.size(); i++) {
            var w = want.get(i);
            var h = have.get(i);
            assertEquals(w.scalars(), h.scalars(), w.name() + ": scalars differ" + hint);
            assertEquals(w.arrays().size(), h.arrays().size(), w.name() + ": arrays differ" + hint);
            for (int a = 0; a < w.arrays().size(); a++) {
                var wa = w.arrays().get(a);
                var ha = h.arrays().get(a);
                String tag = w.name() + " " + wa.name();
                assertEquals(wa.name() + wa.kind() + wa.count(), ha.name() + ha.kind() + ha.count(), tag + hint);
                if (wa.kind() == GpuCheckFixtures.Kind.U8) {
                    assertTrue(java.util.Arrays.equals(wa.u(), ha.u()), tag + " differs" + hint);
                    continue;
                }
                for (int k = 0; k < wa.f().length; k++) { // exact for inputs, 2 ulp for reference values
                    float x = wa.f()[k];
                    float y = ha.f()[k];
                    double slack = wa.kind() == GpuCheckFixtures.Kind.EXPECTED ? 2 * Math.ulp(x) : 0;
                    if (!(Float.compare(x, y) == 0 || Math.abs(x - y) <= slack)) {
                        fail(tag + "[" + k + "] is " + y + ", the reference gives " + x + hint);
                    }
                }
            }
        }
    }

    @Test
    void gpuCheckScriptPassesUnderEmulation() throws Exception {
        Run r = run(List.of("bash", "benchmarks/gpu-check.sh", "--emu", "--quick"));
        assertEquals(0, r.rc, r.out);
        for (String op : List.of(
                "mobius_add", "poincare_map", "mobius_matvec", "poincare_dist", "sinkhorn", "soft_iou", "attention")) {
            int last = op.equals("attention") // 7, 8: the tensor-core backwards (after the forwards 5, 6)
                    ? 8
                    : op.startsWith("poincare_map") || op.equals("mobius_add") || op.equals("soft_iou") ? 2 : 3;
            for (int v = 0; v <= last; v++) {
                assertTrue(r.out.matches("(?s).*PASS " + op + " [^\\n]* v" + v + " .*"), op + " v" + v + ":\n" + r.out);
            }
        }
        assertTrue(r.out.contains("correctness: ") && r.out.contains(" 0 failed"), r.out);
        assertTrue(r.out.contains("attention_fwd d64 v2") && r.out.contains("EMULATED"), "benchmark rows:\n" + r.out);
        assertTrue(r.out.contains("gpu-check: PASSED"), r.out);
    }

    @Test
    void harnessFailsOnAWrongReferenceValue(@TempDir Path tmp) throws Exception {
        List<GpuCheckFixtures.Case> cases = new ArrayList<>();
        for (var c : GpuCheckFixtures.read(Files.readAllBytes(GpuCheckFixtures.FILE))) {
            if (c.op().equals("poincare_dist")) {
                cases.add(c);
            }
        }
        float[] want = cases.getFirst().arrays().stream()
                .filter(a -> a.name().equals("dy"))
                .findFirst()
                .orElseThrow()
                .f();
        want[3] += 0.01f + 1e-3f * Math.abs(want[3]);
        Path f = tmp.resolve("broken.fixtures");
        Files.write(f, GpuCheckFixtures.write(cases));
        Run r = run(List.of(
                NATIVE.resolve("test/gpu_check").toString(),
                NATIVE.resolve("librevtaf_emu.so").toString(),
                "--fixtures",
                f.toString()));
        assertEquals(1, r.rc, r.out);
        assertTrue(r.out.contains("FAIL " + cases.getFirst().name()) && r.out.contains("dy: 1 of"), r.out);
        Run usage = run(List.of(NATIVE.resolve("test/gpu_check").toString(), "--bogus"));
        assertEquals(2, usage.rc, usage.out);
    }

    private static List<String> names(List<GpuCheckFixtures.Case> cs) {
        return cs.stream().map(c -> c.op() + ": " + c.name()).toList();
    }

    private record Run(int rc, String out) {}

    private static Run run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("REVTAF_NATIVE_DIR", NATIVE.toAbsolutePath().toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
