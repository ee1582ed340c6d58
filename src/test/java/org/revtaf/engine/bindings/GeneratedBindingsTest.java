package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The FFM bindings are generated from kernels/include/revtaf_kernels.h ({@link BindingGenerator}):
 * the committed KernelAbi.java is the generator's output for the header, and every function of the
 * header is bound in the library with the argument layouts the header declares.
 */
class GeneratedBindingsTest {
    @Test
    void committedBindingsAreUpToDateWithTheHeader() throws IOException {
        String expected = BindingGenerator.generate(Files.readString(BindingGenerator.HEADER));
        if (Boolean.getBoolean("revtaf.bindings.regenerate")) Files.writeString(BindingGenerator.OUTPUT, expected);
        assertEquals(
                expected,
                Files.readString(BindingGenerator.OUTPUT),
                BindingGenerator.OUTPUT + " is stale: run ./mvnw -B -o -q test -Dtest=GeneratedBindingsTest"
                        + " -Drevtaf.bindings.regenerate=true");
    }

    /** Header declarations as descriptors (pointer -> ADDRESS, int64_t -> long, int/int32_t -> int, ...). */
    static Map<String, FunctionDescriptor> descriptors(String header) {
        Map<String, FunctionDescriptor> out = new LinkedHashMap<>();
        BindingGenerator.parse(header)
                .forEach((name, fn) -> out.put(
                        name,
                        FunctionDescriptor.of(
                                JAVA_INT,
                                fn.params().stream()
                                        .map(p -> layout(p.layout()))
                                        .toArray(MemoryLayout[]::new))));
        return out;
    }

    private static MemoryLayout layout(String name) {
        return switch (name) {
            case "ADDRESS" -> ADDRESS;
            case "JAVA_LONG" -> JAVA_LONG;
            case "JAVA_INT" -> JAVA_INT;
            case "JAVA_FLOAT" -> JAVA_FLOAT;
            default -> JAVA_DOUBLE;
        };
    }

    @Test
    void everyHeaderSymbolIsBoundWithItsSignature() throws IOException {
        Map<String, FunctionDescriptor> header = descriptors(Files.readString(BindingGenerator.HEADER));
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
        var parsed = descriptors("RT_API int rt_x(void* s, const float* a,\n   int64_t n, float c, int v);  // x\n"
                + "RT_API int rt_y(void);");
        assertEquals(
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_INT), parsed.get("rt_x"));
        assertEquals(FunctionDescriptor.of(JAVA_INT), parsed.get("rt_y"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> descriptors("RT_API int rt_z(short k);"));
        assertTrue(e.getMessage().contains("short"));
    }

    @Test
    void namesComeFromTheHeader() {
        var fn = BindingGenerator.parse("RT_API int rt_mobius_add_fwd(void* stream, float* out, int64_t y_stride);")
                .get("rt_mobius_add_fwd");
        assertEquals("mobiusAddFwd", fn.method());
        assertEquals("yStride", fn.params().get(2).name());
    }
}
