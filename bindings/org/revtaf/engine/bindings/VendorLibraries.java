package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.revtaf.engine.bindings.VendorCalls.call;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.revtaf.RevtafException;

/**
 * NVIDIA vendor libraries resolved by soname at run time, lazily: nothing is loaded until a path
 * that needs it runs, and a missing library is a clear {@link RevtafException} naming what was tried
 * (sonames in {@code -Drevtaf.vendor.dir} when set, e.g. the lib folder of NVIDIA's pip wheels,
 * then the loader path, $CUDA_HOME/lib64 and /usr/local/cuda/lib64). cuBLAS 13 then 12,
 * cuBLASLt 13 then 12, cuDNN 9. NVTX needs no library here: the kernel library carries the
 * header-only NVTX3 (see {@link RevtafKernels#nvtxPush}).
 */
public final class VendorLibraries {
    /** A vendor library and the sonames tried in order. */
    public enum Vendor {
        CUBLAS("cuBLAS", "libcublas.so.13", "libcublas.so.12"),
        CUBLAS_LT("cuBLASLt", "libcublasLt.so.13", "libcublasLt.so.12"),
        CUDNN("cuDNN 9", "libcudnn.so.9");

        final String title;
        final List<String> sonames;

        Vendor(String title, String... sonames) {
            this.title = title;
            this.sonames = List.of(sonames);
        }
    }

    private static final Map<Vendor, SymbolLookup> LOADED = new ConcurrentHashMap<>();

    private VendorLibraries() {}

    /** The loaded library, or a RevtafException naming every place that was tried. */
    public static SymbolLookup require(Vendor v) {
        return LOADED.computeIfAbsent(v, VendorLibraries::open);
    }

    /** True when the library can be loaded (loads it). */
    public static boolean available(Vendor v) {
        try {
            require(v);
            return true;
        } catch (RevtafException e) {
            return false;
        }
    }

    private static SymbolLookup open(Vendor v) {
        return open(v, System.getProperty("revtaf.vendor.dir"));
    }

    /**
     * The library of a vendor, each soname in turn: in {@code vendorDir} (null: none), the loader
     * path, then the toolkit folders. Not cached (tests open stand-ins with it).
     */
    static SymbolLookup open(Vendor v, String vendorDir) {
        List<String> tried = new ArrayList<>();
        for (String so : v.sonames) {
            SymbolLookup l = vendorDir == null ? null : file(Path.of(vendorDir, so), tried);
            if (l != null) return l;
            tried.add(so);
            try {
                return SymbolLookup.libraryLookup(so, Arena.global());
            } catch (IllegalArgumentException e) {
                // not in the loader path; try the toolkit folders below
            }
            for (String dir : toolkitDirs()) if ((l = file(Path.of(dir, so), tried)) != null) return l;
        }
        throw new RevtafException(v.title + " is required by this operation but was not found (tried " + tried
                + " in -Drevtaf.vendor.dir, the loader path, $CUDA_HOME/lib64 and /usr/local/cuda/lib64); install it,"
                + " set LD_LIBRARY_PATH or -Drevtaf.vendor.dir");
    }

    /** The library at p when the file exists and loads (else null; an existing file joins tried). */
    private static SymbolLookup file(Path p, List<String> tried) {
        if (!Files.isRegularFile(p)) return null;
        tried.add(p.toString());
        try {
            return SymbolLookup.libraryLookup(p, Arena.global());
        } catch (IllegalArgumentException e) {
            return null; // unloadable (wrong arch, missing dependency): keep trying
        }
    }

    private static List<String> toolkitDirs() {
        List<String> dirs = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) {
            dirs.add(home + "/lib64");
        }
        dirs.add("/usr/local/cuda/lib64");
        return dirs;
    }

    /** cuBLAS functions the CUDA backend uses: handles, stream, math mode and strided batched SGEMM. */
    public static final class Cublas {
        /** cublasOperation_t. */
        public static final int OP_N = 0, OP_T = 1;
        /** cublasMath_t: default fp32, and fp32 inputs through TF32 tensor cores. */
        public static final int DEFAULT_MATH = 0, TF32_TENSOR_OP_MATH = 3;

        private final MethodHandle create;
        private final MethodHandle destroy;
        private final MethodHandle getVersion;
        private final MethodHandle setStream;
        private final MethodHandle setMathMode;
        private final MethodHandle sgemmStridedBatched;

        private Cublas(SymbolLookup lib) {
            Linker l = Linker.nativeLinker();
            create = l.downcallHandle(find(lib, "cublasCreate_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
            destroy = l.downcallHandle(find(lib, "cublasDestroy_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
            getVersion = l.downcallHandle(
                    find(lib, "cublasGetVersion_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            setStream = l.downcallHandle(
                    find(lib, "cublasSetStream_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            setMathMode = l.downcallHandle(
                    find(lib, "cublasSetMathMode"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            // (handle, transa, transb, m, n, k, *alpha, A, lda, strideA, B, ldb, strideB, *beta, C, ldc, strideC,
            // batch)
            sgemmStridedBatched = l.downcallHandle(
                    find(lib, "cublasSgemmStridedBatched"),
                    FunctionDescriptor.of(
                            JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS,
                            JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG,
                            JAVA_INT));
        }

        private static void check(int status, String call) {
            VendorCalls.cublasStatus(status, call);
        }

        /** Orders the handle's work on {@code stream} (NULL: the default stream). */
        public void setStream(MemorySegment handle, MemorySegment stream) {
            check(call(() -> (int) setStream.invokeExact(handle, stream)), "cublasSetStream");
        }

        public void setMathMode(MemorySegment handle, int mode) {
            check(call(() -> (int) setMathMode.invokeExact(handle, mode)), "cublasSetMathMode");
        }

        /**
         * Column-major C = alpha op(A) op(B) + beta C for {@code batch} problems (cuBLAS's own
         * convention; a row-major caller passes its operands swapped). Status checked.
         */
        public void sgemmStridedBatched(
                MemorySegment handle,
                int transA,
                int transB,
                int m,
                int n,
                int k,
                float alpha,
                MemorySegment a,
                int lda,
                long strideA,
                MemorySegment b,
                int ldb,
                long strideB,
                float beta,
                MemorySegment c,
                int ldc,
                long strideC,
                int batch) {
            try (Arena ar = Arena.ofConfined()) {
                MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
                int status = call(() -> (int) sgemmStridedBatched.invokeExact(
                        handle, transA, transB, m, n, k, al, a, lda, strideA, b, ldb, strideB, be, c, ldc, strideC,
                        batch));
                check(status, "cublasSgemmStridedBatched");
            }
        }

        /** Loads cuBLAS (13, else 12) on first use. */
        public static Cublas get() {
            return of(require(Vendor.CUBLAS));
        }

        /** The bindings over an already loaded library (tests bind a stand-in with cuBLAS's prototypes). */
        public static Cublas of(SymbolLookup lib) {
            return new Cublas(lib);
        }

        /** A cuBLAS handle, or a RevtafException with the cuBLAS status (e.g. no GPU). */
        public MemorySegment create() {
            return VendorCalls.created(create, "cublasCreate", VendorCalls::cublasStatus);
        }

        public void destroy(MemorySegment handle) {
            call(() -> (int) destroy.invokeExact(handle));
        }

        public int version(MemorySegment handle) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(JAVA_INT);
                call(() -> (int) getVersion.invokeExact(handle, v));
                return v.get(JAVA_INT, 0);
            }
        }
    }

    /** cuDNN version query (proves the library is usable; the backend binds more as it needs). */
    public static long cudnnVersion() {
        SymbolLookup lib = require(Vendor.CUDNN);
        MethodHandle h =
                Linker.nativeLinker().downcallHandle(find(lib, "cudnnGetVersion"), FunctionDescriptor.of(JAVA_LONG));
        try {
            return (long) h.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name)
                .orElseThrow(() -> new RevtafException("symbol " + name + " missing in the vendor library"));
    }
}
