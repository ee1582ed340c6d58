package org.revtaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled main classes with jdeps (so fully
 * qualified names count too): no circle of files through imports, no package cycle, and every
 * import between top-level packages runs down the layer order, except the one named exception.
 */
class ArchitectureTest {
    /** Top-level package (under org.revtaf) -> layer; an import may only go to the same or a lower layer. */
    static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("", 0), // RevtafException
            Map.entry("tensor", 1),
            Map.entry("bindings", 1),
            Map.entry("backend", 2),
            Map.entry("io", 2),
            Map.entry("autograd", 3),
            Map.entry("config", 3),
            Map.entry("text", 3),
            Map.entry("ops", 4),
            Map.entry("data", 4),
            Map.entry("eval", 4),
            Map.entry("nn", 5),
            Map.entry("optim", 6),
            Map.entry("model", 6),
            Map.entry("report", 7),
            Map.entry("pipeline", 8),
            Map.entry("bench", 9),
            Map.entry("cli", 10));

    /** The one import that runs up: a checkpoint holds the optimizer and scheduler state. */
    static final String ALLOWED_UP = "nn.Checkpoint -> optim";

    private static final Pattern DEP = Pattern.compile("^\\s+(org\\.revtaf\\.\\S+)\\s+->\\s+(org\\.revtaf\\.\\S+)");

    /** Class -> classes of other packages it uses (nested classes folded into their file). */
    static Map<String, Set<String>> deps;

    @BeforeAll
    static void jdeps() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes), "compile first: " + classes.toAbsolutePath());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(
                new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none", "-q", classes.toString());
        assertEquals(0, rc, out.toString());
        deps = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = DEP.matcher(line);
            if (!m.find()) continue;
            String a = file(m.group(1)), b = file(m.group(2));
            if (!pkg(a).equals(pkg(b)))
                deps.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
        }
        assertTrue(deps.size() > 100, "jdeps found only " + deps.size() + " classes");
    }

    static String file(String cls) {
        int d = cls.indexOf('$');
        return d < 0 ? cls : cls.substring(0, d);
    }

    static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    static String pkg(String cls) {
        return cls.substring(0, cls.lastIndexOf('.'));
    }

    /** The layer groups of the folder layout (org.revtaf.engine.tensor, ...), skipped when present. */
    static final java.util.Set<String> GROUPS = java.util.Set.of("engine", "learning", "domain", "edges");

    /** "tensor" for org.revtaf.engine.tensor.X, org.revtaf.engine.tensor.sub.Y and org.revtaf.engine.tensor.X; "" for org.revtaf.X. */
    static String top(String cls) {
        List<String> parts = new ArrayList<>(List.of(pkg(cls).split("\\.")));
        parts = parts.subList(2, parts.size()); // after org.revtaf
        if (!parts.isEmpty() && GROUPS.contains(parts.get(0))) parts = parts.subList(1, parts.size());
        return parts.isEmpty() ? "" : parts.get(0);
    }

    @Test
    void importsRunDownTheLayersExceptTheNamedOne() {
        List<String> up = new ArrayList<>();
        for (var e : deps.entrySet())
            for (String b : e.getValue()) {
                String ta = top(e.getKey()), tb = top(b);
                Integer la = LAYER.get(ta), lb = LAYER.get(tb);
                assertTrue(la != null && lb != null, "package without a layer: " + e.getKey() + " -> " + b);
                if (!ta.equals(tb) && lb >= la) up.add(ta + "." + simple(e.getKey()) + " -> " + tb);
            }
        assertTrue(
                up.stream().distinct().allMatch(ALLOWED_UP::equals),
                "imports from a layer to the same or a higher one: " + up);
    }

    @Test
    void noPackageCycleBesidesTheNamedImport() {
        Map<String, Set<String>> g = new TreeMap<>();
        deps.forEach((a, bs) -> bs.forEach(b -> {
            if (!(top(a) + "." + simple(a) + " -> " + top(b)).equals(ALLOWED_UP))
                g.computeIfAbsent(pkg(a), k -> new TreeSet<>()).add(pkg(b));
        }));
        for (String p : g.keySet()) assertTrue(!reaches(g, g.get(p), p), "package cycle through " + p);
    }

    @Test
    void noCircleOfFiles() {
        for (String a : deps.keySet()) assertTrue(!reaches(deps, deps.get(a), a), "import circle through " + a);
    }

    private static boolean reaches(Map<String, Set<String>> g, Set<String> from, String target) {
        Set<String> seen = new TreeSet<>(from);
        List<String> todo = new ArrayList<>(from);
        while (!todo.isEmpty()) {
            String v = todo.removeLast();
            if (v.equals(target)) return true;
            for (String w : g.getOrDefault(v, Set.of())) if (seen.add(w)) todo.add(w);
        }
        return false;
    }
}
