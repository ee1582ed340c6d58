package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.revtaf.RevtafException;

/**
 * What the vendor bindings ({@link VendorLibraries.Cublas}, {@link CublasLt}, {@link Cudnn}) share:
 * binding a function of a loaded library by name, and running a downcall whose int status each
 * binding checks with its own library's words.
 */
final class VendorCalls {
    private static final Linker LINKER = Linker.nativeLinker();

    private VendorCalls() {}

    /**
     * The downcall of {@code int name(args...)} (cuBLAS / cuDNN status functions), the arguments
     * spelled one letter each: A a pointer (handle, descriptor, device or host address), I an int or
     * enum, L a 64-bit integer (size_t, int64_t, uint64_t), D a double.
     */
    static MethodHandle status(SymbolLookup lib, String name, String args) {
        MemoryLayout[] layouts = new MemoryLayout[args.length()];
        for (int i = 0; i < layouts.length; i++)
            layouts[i] = switch (args.charAt(i)) {
                case 'A' -> ADDRESS;
                case 'I' -> JAVA_INT;
                case 'L' -> JAVA_LONG;
                case 'D' -> JAVA_DOUBLE;
                default -> throw new IllegalArgumentException(name + ": argument letter " + args.charAt(i));
            };
        return bind(lib, name, FunctionDescriptor.of(JAVA_INT, layouts));
    }

    static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name)
                .orElseThrow(() -> new RevtafException("symbol " + name + " missing in the vendor library"));
        return LINKER.downcallHandle(sym, fd);
    }

    /** A downcall returning a status. */
    @FunctionalInterface
    interface Downcall {
        int run() throws Throwable;
    }

    /** Runs a downcall: a RuntimeException passes, anything else thrown becomes an IllegalStateException. */
    static int call(Downcall c) {
        try {
            return c.run();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** How a library turns a non-zero status of function {@code fn} into an exception. */
    @FunctionalInterface
    interface StatusCheck {
        void check(int status, String fn);
    }

    /** cuBLAS and cuBLASLt: the function and the bare status (cuBLAS has no error-string call before 12). */
    static void cublasStatus(int status, String fn) {
        if (status != 0) throw new RevtafException(fn + " failed with cuBLAS status " + status);
    }

    /**
     * The object a create function returns through its first argument, {@code fn(&out, args...)}
     * (handles and descriptors of every vendor library), its status checked by {@code check}.
     */
    static MemorySegment created(MethodHandle h, String fn, StatusCheck check, Object... args) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            Object[] all = new Object[args.length + 1];
            all[0] = p;
            System.arraycopy(args, 0, all, 1, args.length);
            check.check(call(() -> (int) h.invokeWithArguments(all)), fn);
            return p.get(ADDRESS, 0);
        }
    }

    /** A Throwable from a downcall as an unchecked exception (errors pass as they are). */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
