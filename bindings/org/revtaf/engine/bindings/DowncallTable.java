package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.revtaf.RevtafException;

/**
 * The hand-written half of the kernel bindings: binds C functions that return an int status and
 * records their descriptors. The generated {@link KernelAbi} (one handle and one method per header
 * function) extends it, so the generator emits only what the header decides.
 */
public abstract class DowncallTable {
    private static final Linker LINKER = Linker.nativeLinker();
    private final Map<String, FunctionDescriptor> descriptors = new LinkedHashMap<>();

    /** The downcall of {@code int name(args...)} in the library behind lookup (a missing one is an error). */
    protected final MethodHandle bind(SymbolLookup lookup, Path library, String name, MemoryLayout... args) {
        FunctionDescriptor fd = FunctionDescriptor.of(JAVA_INT, args);
        descriptors.put(name, fd);
        MemorySegment sym =
                lookup.find(name).orElseThrow(() -> new RevtafException("symbol " + name + " missing in " + library));
        return LINKER.downcallHandle(sym, fd);
    }

    /** Descriptor of every bound function, by symbol. */
    public final Map<String, FunctionDescriptor> descriptors() {
        return Collections.unmodifiableMap(descriptors);
    }

    /** Turns a non-zero status into an exception. */
    protected abstract void check(int status);

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
