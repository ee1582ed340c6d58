package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@link CudaTestMain}, the runner of the GPU bundle's step 5: it selects exactly the test classes
 * tagged cuda (found here independently by reflection over the test classes), runs tests and exits
 * non-zero when one fails (on two small sample classes of its own tag, enabled only by a system
 * property while this test runs them), and rejects bad usage.
 */
class CudaTestMainTest {
    private static final String SELF_TEST = "revtaf.cudaTestMain.selfTest";

    @Test
    void selectsExactlyTheCudaTaggedClasses() throws IOException {
        Path root = CudaTestMain.ownRoot();
        Set<String> selected = CudaTestMain.classes(LauncherFactory.create()
                .discover(CudaTestMain.request(
                        List.copyOf(DiscoverySelectors.selectClasspathRoots(Set.of(root))), CudaTestMain.TAG)));
        Set<String> tagged = taggedClasses(root, CudaTestMain.TAG);
        assertEquals(tagged, selected);
        assertTrue(selected.contains("org.revtaf.engine.kernels.KernelParityCudaTest"), selected::toString);
        assertTrue(selected.contains(CudaVendorGemmCudaTest.class.getName()), selected::toString);
        // the untagged superclass of KernelParityCudaTest runs on cuda-emu in every build, not here
        assertTrue(!selected.contains("org.revtaf.engine.kernels.KernelParityTest"), selected::toString);
    }

    @Test
    void runsTheTestsAndFailsWhenOneFails() {
        System.setProperty(SELF_TEST, "true");
        try {
            Run pass = run("--tag", "cuda-test-main-pass");
            assertEquals(0, pass.status, pass.out);
            assertTrue(pass.out.contains("PASS  CudaTestMainTest$Passing.passes"), pass.out);
            assertTrue(pass.out.contains("1 passed, 0 failed"), pass.out);

            Run both = run("--tag", "cuda-test-main-sample");
            assertEquals(1, both.status, both.out);
            assertTrue(both.out.contains("PASS  CudaTestMainTest$Passing.passes"), both.out);
            assertTrue(both.out.contains("FAIL  CudaTestMainTest$Failing.fails [fails()]: "), both.out);
            assertTrue(both.out.contains("the sample failure"), both.out);
            assertTrue(both.out.contains("1 passed, 1 failed"), both.out);

            Run list = run("--list", "--tag", "cuda-test-main-sample");
            assertEquals(0, list.status, list.err);
            assertEquals(
                    List.of(Failing.class.getName(), Passing.class.getName()),
                    list.out.lines().toList());

            Run one = run("--tag", "cuda-test-main-sample", "--class", Passing.class.getName());
            assertEquals(0, one.status, one.out);
            assertTrue(one.out.contains("1 passed, 0 failed"), one.out);
        } finally {
            System.clearProperty(SELF_TEST);
        }
    }

    @Test
    void rejectsBadUsageAndAnEmptySelection() {
        Run none = run("--tag", "no-such-tag");
        assertEquals(1, none.status);
        assertTrue(none.err.contains("no test tagged 'no-such-tag'"), none.err);
        Run bad = run("--frobnicate");
        assertEquals(2, bad.status);
        assertTrue(bad.err.contains("unknown option '--frobnicate'"), bad.err);
        assertEquals(2, run("--tag").status);
        Run untagged = run("--class", CudaTestMainTest.class.getName());
        assertEquals(1, untagged.status);
        assertTrue(
                untagged.err.contains("no test tagged 'cuda' in [" + CudaTestMainTest.class.getName()), untagged.err);
    }

    /** Non-abstract classes under {@code root} whose (inherited) JUnit tags include {@code tag}. */
    private static Set<String> taggedClasses(Path root, String tag) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String rel = root.relativize(f).toString();
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                if (name.endsWith("module-info") || name.endsWith("package-info")) continue;
                Class<?> c;
                try {
                    c = Class.forName(name, false, CudaTestMainTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    fail("cannot load test class " + name + ": " + e);
                    return names;
                }
                if (Modifier.isAbstract(c.getModifiers()) || c.isInterface()) continue;
                if (Arrays.stream(c.getAnnotationsByType(Tag.class))
                        .anyMatch(t -> t.value().equals(tag))) names.add(name);
            }
        }
        return names;
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = CudaTestMain.run(args, o, e);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Samples for {@link #runsTheTestsAndFailsWhenOneFails} (inner classes: surefire never runs them). */
    @Tag("cuda-test-main-sample")
    @Tag("cuda-test-main-pass")
    @EnabledIfSystemProperty(named = SELF_TEST, matches = "true")
    static class Passing {
        @Test
        void passes() {
            assertEquals(4, 2 + 2);
        }
    }

    @Tag("cuda-test-main-sample")
    @EnabledIfSystemProperty(named = SELF_TEST, matches = "true")
    static class Failing {
        @Test
        void fails() {
            fail("the sample failure");
        }
    }
}
