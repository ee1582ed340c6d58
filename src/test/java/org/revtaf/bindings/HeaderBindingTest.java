package org.revtaf.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every function declared in kernels/include/revtaf_kernels.h has a binding in {@link RevtafKernels}
 * with the same argument layouts (parsed from the header: pointer -> ADDRESS, int64_t -> long,
 * int/int32_t -> int, float, double), and nothing is bound that the header lacks.
 */
class HeaderBindingTest {
    private static final Pattern DECL =
            Pattern.compile("RT_API\\s+int\\s+(rt_\\w+)\\s*\\(([^)]*)\\)\\s*;", Pattern.DOTALL);

    static Map<String, FunctionDescriptor> parseHeader(String text) {
        String noComments = text.replaceAll("//[^\\n]*", "");
        Map<String, FunctionDescriptor> out = new LinkedHashMap<>();
        Matcher m = DECL.matcher(noComments);
        while (m.find()) {
            List<MemoryLayout> args = new ArrayList<>();
            String params = m.group(2).trim();
            if (!params.isEmpty() && !params.equals("void")) {
                for (String p : params.split(",")) {
                    args.add(layout(p.trim(), m.group(1)));
                }
            }
            out.put(m.group(1), FunctionDescriptor.of(JAVA_INT, args.toArray(MemoryLayout[]::new)));
        }
        return out;
    }

    private static MemoryLayout layout(String param, String fn) {
        if (param.contains("*")) {
            return ADDRESS;
        }
        String type = param.replace("const ", "").trim().split("\\s+")[0];
        return switch (type) {
            case "int64_t" -> JAVA_LONG;
            case "int", "int32_t" -> JAVA_INT;
            case "float" -> JAVA_FLOAT;
            case "double" -> JAVA_DOUBLE;
            default -> throw new AssertionError(fn + ": unmapped C type '" + type + "' in '" + param + "'");
        };
    }

    @Test
    void everyHeaderSymbolIsBoundWithItsSignature() throws IOException {
        Map<String, FunctionDescriptor> header =
                parseHeader(Files.readString(Path.of("kernels/include/revtaf_kernels.h")));
        assertTrue(header.size() >= 30, "parsed only " + header.size() + " declarations: " + header.keySet());
        Map<String, FunctionDescriptor> bound =
                RevtafKernels.forDevice("cuda-emu").descriptors();
        for (var e : header.entrySet()) {
            assertTrue(bound.containsKey(e.getKey()), "no binding for " + e.getKey());
            assertEquals(e.getValue(), bound.get(e.getKey()), "signature of " + e.getKey());
        }
        assertEquals(header.keySet(), bound.keySet(), "bindings without a header declaration");
    }

    @Test
    void parserReadsMultiLineDeclarationsAndRejectsUnknownTypes() {
        var parsed = parseHeader("RT_API int rt_x(void* s, const float* a,\n   int64_t n, float c, int v);  // x\n"
                + "RT_API int rt_y(void);");
        assertEquals(
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_INT), parsed.get("rt_x"));
        assertEquals(FunctionDescriptor.of(JAVA_INT), parsed.get("rt_y"));
        try {
            parseHeader("RT_API int rt_z(short k);");
            throw new IllegalStateException("short was accepted");
        } catch (AssertionError expected) {
            assertTrue(expected.getMessage().contains("short"));
        }
    }
}
