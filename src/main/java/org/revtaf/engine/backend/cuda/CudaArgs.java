package org.revtaf.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * Arguments of the device kernels (kernels/include/revtaf_kernels.h, section issue 17): dtype codes,
 * the host int64 geometry arrays (shape and strides) the launchers read during the call (kernel
 * versions: {@link KernelVersions}).
 */
final class CudaArgs {
    /** The most dimensions a strided kernel takes (RT_MAX_RANK). */
    static final int MAX_RANK = 8;

    private CudaArgs() {}

    /**
     * The kernels' dtype code (the DType ordinal) for the dtypes they handle, else -1 (bfloat16: rt_copy
     * and rt_fill convert to and from it, rounding as {@code HeapStorage.toBf16}).
     */
    static int code(DType t) {
        return switch (t) {
            case FLOAT32, FLOAT64, INT32, INT64, BFLOAT16, UINT8 -> t.ordinal();
            default -> -1;
        };
    }

    /** Whether every non-null tensor is float32. */
    static boolean f32(Tensor... ts) {
        for (Tensor t : ts) if (t != null && t.dtype() != DType.FLOAT32) return false;
        return true;
    }

    /** Whether every non-null tensor is contiguous float32. */
    static boolean dense(Tensor... ts) {
        for (Tensor t : ts) if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) return false;
        return true;
    }

    /** A host int64 array for a launcher (valid while the arena is open). */
    static MemorySegment longs(Arena a, long... v) {
        return a.allocateFrom(JAVA_LONG, v);
    }

    /** geom = shape, then each operand's strides (elements; operands are views of that shape). */
    static MemorySegment strided(Arena a, int[] shape, Tensor... operands) {
        int[][] strides = new int[operands.length][];
        for (int o = 0; o < operands.length; o++) strides[o] = operands[o].stridesRef();
        return longs(a, geom(shape, strides));
    }

    /** The geometry array of a strided kernel: shape, then each operand's strides. */
    static long[] geom(int[] shape, int[]... strides) {
        int r = shape.length;
        long[] g = new long[r * (1 + strides.length)];
        for (int i = 0; i < r; i++) g[i] = shape[i];
        for (int o = 0; o < strides.length; o++) for (int i = 0; i < r; i++) g[(1 + o) * r + i] = strides[o][i];
        return g;
    }

    /** The device address of a tensor, or NULL for null. */
    static MemorySegment at(Tensor t) {
        return t == null ? MemorySegment.NULL : CudaStorage.at(t);
    }
}
