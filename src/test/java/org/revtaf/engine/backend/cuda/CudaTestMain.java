package org.revtaf.engine.backend.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the cuda-tagged JUnit tests without Maven, through the JUnit Platform Launcher API: what
 * step 5 of benchmarks/gpu-check.sh runs with the Java runtime of the GPU bundle (benchmarks/gpu-
 * bundle.sh) on a machine that has no JDK. Selects every test class under the classpath roots
 * (default: the root holding this class, i.e. the test classes) that carries the JUnit tag {@value
 * #TAG} - the tag surefire excludes by default ({@code test.excludedGroups} in pom.xml) - prints one
 * line per test (PASS, FAIL with the message, SKIP, ABORT) and a summary, and exits 0 when every
 * selected test passed, 1 when one failed or none was selected, 2 on bad usage.
 *
 * <p>Usage: {@code CudaTestMain [--list] [--tag T] [--class NAME]... [ROOT...]}; {@code --list}
 * prints the selected classes instead of running them; {@code --class} selects those classes instead
 * of scanning the roots (the tag filter still applies): {@code gpu-check.sh --emu --bundle} runs the
 * kernel parity class with the emulator standing in for the GPU, whose cuBLAS test cannot run there.
 */
public final class CudaTestMain {
    /** The tag of the tests that need a real GPU. */
    public static final String TAG = "cuda";

    private static final String USAGE = "[--list] [--tag T] [--class NAME]... [ROOT...]";

    private CudaTestMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String tag = TAG;
        boolean list = false;
        List<Path> roots = new ArrayList<>();
        List<String> classNames = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--list" -> list = true;
                case "--tag" -> {
                    if (i + 1 == args.length || args[i + 1].isBlank()) {
                        err.println("CudaTestMain: --tag needs a tag name (usage: " + USAGE + ")");
                        return 2;
                    }
                    tag = args[++i];
                }
                case "--class" -> {
                    if (i + 1 == args.length || args[i + 1].isBlank()) {
                        err.println("CudaTestMain: --class needs a class name (usage: " + USAGE + ")");
                        return 2;
                    }
                    classNames.add(args[++i]);
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        err.println("CudaTestMain: unknown option '" + args[i] + "' (usage: " + USAGE + ")");
                        return 2;
                    }
                    roots.add(Path.of(args[i]));
                }
            }
        }
        if (roots.isEmpty()) roots.add(ownRoot());
        Launcher launcher = LauncherFactory.create();
        List<DiscoverySelector> selectors = classNames.isEmpty()
                ? List.<DiscoverySelector>copyOf(selectClasspathRoots(Set.copyOf(roots)))
                : classNames.stream()
                        .<DiscoverySelector>map(c -> selectClass(c))
                        .toList();
        TestPlan plan = launcher.discover(request(selectors, tag));
        Set<String> classes = classes(plan);
        if (classes.isEmpty()) {
            err.println("CudaTestMain: no test tagged '" + tag + "' in " + (classNames.isEmpty() ? roots : classNames));
            return 1;
        }
        if (list) {
            classes.forEach(out::println);
            return 0;
        }
        out.println("CudaTestMain: tag '" + tag + "', " + classes.size() + " classes: " + String.join(", ", classes));
        Summary summary = new Summary(out);
        long t0 = System.nanoTime();
        launcher.execute(plan, summary);
        out.printf(
                "CudaTestMain: %d passed, %d failed, %d skipped, %d aborted in %.1f s%n",
                summary.passed, summary.failed, summary.skipped, summary.aborted, (System.nanoTime() - t0) / 1e9);
        out.flush();
        return summary.failed == 0 && summary.passed > 0 ? 0 : 1;
    }

    /** The tests of {@code selectors} tagged {@code tag} (class-level tags are inherited by the tests). */
    static LauncherDiscoveryRequest request(List<DiscoverySelector> selectors, String tag) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .filters(TagFilter.includeTags(tag))
                .build();
    }

    /** The test classes of a plan (fully qualified names, sorted). */
    static Set<String> classes(TestPlan plan) {
        Set<String> names = new TreeSet<>();
        for (TestIdentifier root : plan.getRoots())
            for (TestIdentifier id : plan.getDescendants(root))
                if (id.getSource().orElse(null) instanceof ClassSource c) names.add(c.getClassName());
        return names;
    }

    /** The classpath root (folder or jar) this class was loaded from: the test classes. */
    static Path ownRoot() {
        try {
            return Path.of(CudaTestMain.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the test classes: " + e.getMessage(), e);
        }
    }

    /** One line per finished test or failed container, and the counts. */
    private static final class Summary implements TestExecutionListener {
        private final PrintStream out;
        int passed, failed, skipped, aborted;

        Summary(PrintStream out) {
            this.out = out;
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            skipped++;
            out.println("SKIP  " + name(id) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
            String why = result.getThrowable().map(t -> ": " + t).orElse("");
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    passed++;
                    out.println("PASS  " + name(id));
                }
                case ABORTED -> {
                    aborted++;
                    out.println("ABORT " + name(id) + why);
                }
                case FAILED -> {
                    failed++;
                    out.println("FAIL  " + name(id) + why.lines().findFirst().orElse(""));
                }
            }
            out.flush();
        }

        private static String name(TestIdentifier id) {
            TestSource s = id.getSource().orElse(null);
            String where = switch (s) {
                case MethodSource m -> simple(m.getClassName()) + "." + m.getMethodName();
                case ClassSource c -> simple(c.getClassName());
                case null, default -> "";
            };
            return where.isEmpty() ? id.getDisplayName() : where + " [" + id.getDisplayName() + "]";
        }

        private static String simple(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }
}
