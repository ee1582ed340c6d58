package org.revtaf.engine.bindings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes {@code bindings/org/revtaf/engine/bindings/KernelAbi.java} from the C ABI header
 * kernels/include/revtaf_kernels.h: one downcall handle and one checked Java method per {@code
 * RT_API int rt_NAME(...)} declaration, the method named NAME in camelCase and its parameters named
 * as in the header (camelCase). Pointers become MemorySegment, int64_t long, int/int32_t int, float
 * and double themselves; any other C type is an error. Functions whose int result is not a status
 * ({@link #RAW}) are bound unchecked, as protected {@code rtNAME} methods.
 *
 * <p>{@link GeneratedBindingsTest} fails when the committed file differs from this output; it
 * rewrites the file when run with {@code -Drevtaf.bindings.regenerate=true}.
 */
public final class BindingGenerator {
    static final Path HEADER = Path.of("kernels/include/revtaf_kernels.h");
    static final Path OUTPUT = Path.of("bindings/org/revtaf/engine/bindings/KernelAbi.java");

    /** Functions that return a value rather than a status. */
    static final Set<String> RAW = Set.of("rt_last_error", "rt_is_emulated");

    private static final Pattern DECL =
            Pattern.compile("RT_API\\s+int\\s+(rt_\\w+)\\s*\\(([^)]*)\\)\\s*;", Pattern.DOTALL);

    private BindingGenerator() {}

    /** One C parameter: its Java type, layout constant and name. */
    record Param(String javaType, String layout, String name) {}

    /** One declaration of the header. */
    record Fn(String symbol, List<Param> params) {
        String method() {
            return camel(symbol.substring(3));
        }
    }

    /** The declarations of a header, in order. */
    static Map<String, Fn> parse(String header) {
        String noComments = header.replaceAll("//[^\\n]*", "");
        Map<String, Fn> out = new LinkedHashMap<>();
        Matcher m = DECL.matcher(noComments);
        while (m.find()) {
            List<Param> ps = new ArrayList<>();
            String params = m.group(2).trim();
            if (!params.isEmpty() && !params.equals("void"))
                for (String p : params.split(",")) ps.add(param(p.trim(), m.group(1)));
            out.put(m.group(1), new Fn(m.group(1), ps));
        }
        return out;
    }

    private static Param param(String decl, String fn) {
        Matcher m = Pattern.compile("^(.*?)(\\w+)$").matcher(decl);
        if (!m.matches()) throw new IllegalArgumentException(fn + ": cannot read parameter '" + decl + "'");
        String type = m.group(1).replace("const", "").replace(" ", ""), name = camel(m.group(2));
        if (type.endsWith("*")) return new Param("MemorySegment", "ADDRESS", name);
        return switch (type) {
            case "int64_t" -> new Param("long", "JAVA_LONG", name);
            case "int", "int32_t" -> new Param("int", "JAVA_INT", name);
            case "float" -> new Param("float", "JAVA_FLOAT", name);
            case "double" -> new Param("double", "JAVA_DOUBLE", name);
            default -> throw new IllegalArgumentException(fn + ": unmapped C type '" + type + "' in '" + decl + "'");
        };
    }

    /** snake_case to camelCase. */
    static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') up = true;
            else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /** The Java source of KernelAbi for a header. */
    static String generate(String header) {
        Map<String, Fn> fns = parse(header);
        StringBuilder s = new StringBuilder();
        s.append("""
                // GENERATED from kernels/include/revtaf_kernels.h by BindingGenerator (src/test/java/org/revtaf/engine/bindings).
                // Do not edit: change the header, then run
                //   ./mvnw -B -o -q test -Dtest=GeneratedBindingsTest -Drevtaf.bindings.regenerate=true
                package org.revtaf.engine.bindings;

                import static java.lang.foreign.ValueLayout.ADDRESS;
                import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
                import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
                import static java.lang.foreign.ValueLayout.JAVA_INT;
                import static java.lang.foreign.ValueLayout.JAVA_LONG;

                import java.lang.foreign.MemorySegment;
                import java.lang.foreign.SymbolLookup;
                import java.lang.invoke.MethodHandle;
                import java.nio.file.Path;

                /**
                 * The C ABI of the kernel library, one downcall per header function: each public method runs
                 * rt_NAME with the header's arguments and hands its status to {@link #check}. Pointers are
                 * device or host addresses as the header says; the stream is {@link MemorySegment#NULL} for
                 * the default stream. Binding and status handling are {@link DowncallTable}'s.
                 */
                public abstract class KernelAbi extends DowncallTable {
                """);
        for (Fn f : fns.values())
            s.append("    private final MethodHandle ").append(f.method()).append(";\n");
        s.append("""

                    /** Binds every function of the header in the library behind lookup (a missing one is an error). */
                    protected KernelAbi(SymbolLookup lookup, Path library) {
                """);
        for (Fn f : fns.values()) {
            s.append("        ")
                    .append(f.method())
                    .append(" = bind(lookup, library, \"")
                    .append(f.symbol())
                    .append('"');
            for (Param p : f.params()) s.append(", ").append(p.layout());
            s.append(");\n");
        }
        s.append("    }\n");
        for (Fn f : fns.values()) {
            String params =
                    f.params().stream().map(p -> p.javaType() + " " + p.name()).collect(Collectors.joining(", "));
            String args = f.params().stream().map(Param::name).collect(Collectors.joining(", "));
            String call = f.method() + ".invokeExact(" + args + ")";
            s.append("\n    /** ").append(f.symbol()).append(" */\n");
            if (RAW.contains(f.symbol())) {
                s.append("    protected final int rt")
                        .append(Character.toUpperCase(f.method().charAt(0)))
                        .append(f.method().substring(1))
                        .append('(')
                        .append(params)
                        .append(") {\n");
                s.append("        try { return (int) ").append(call).append("; }");
            } else {
                s.append("    public final void ")
                        .append(f.method())
                        .append('(')
                        .append(params)
                        .append(") {\n");
                s.append("        try { check((int) ").append(call).append("); }");
            }
            s.append(" catch (Throwable thrown) { throw rethrow(thrown); }\n    }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    /** Writes the bindings of the header into bindings/. */
    public static void main(String[] args) throws IOException {
        Files.writeString(OUTPUT, generate(Files.readString(HEADER)));
    }
}
