package org.revtaf.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A dense, C-ordered, little-endian host array as the file formats (.npy, safetensors) carry it.
 * No tensor semantics: the tensor layer converts to and from it.
 *
 * @param dtype element type
 * @param shape dimensions (empty for a scalar)
 * @param data exactly {@code numel * dtype.byteSize()} bytes, little-endian
 */
public record NdArray(DType dtype, long[] shape, MemorySegment data) {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    public NdArray {
        shape = shape.clone();
        long n = numel(shape);
        if (data.byteSize() != n * dtype.byteSize())
            throw new IllegalArgumentException("NdArray: " + data.byteSize() + " bytes for shape "
                    + Arrays.toString(shape) + " of " + dtype + " (expected " + n * dtype.byteSize() + ")");
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long numel() {
        return numel(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public static NdArray ofFloats(long[] shape, float... v) {
        return copyOf(DType.FLOAT32, shape, MemorySegment.ofArray(v));
    }

    public static NdArray ofDoubles(long[] shape, double... v) {
        return copyOf(DType.FLOAT64, shape, MemorySegment.ofArray(v));
    }

    public static NdArray ofInts(long[] shape, int... v) {
        return copyOf(DType.INT32, shape, MemorySegment.ofArray(v));
    }

    public static NdArray ofLongs(long[] shape, long... v) {
        return copyOf(DType.INT64, shape, MemorySegment.ofArray(v));
    }

    /** A 64-byte aligned copy of the bytes of a heap array (native order, as the layouts above read them). */
    private static NdArray copyOf(DType dtype, long[] shape, MemorySegment heap) {
        MemorySegment s = Arena.ofAuto().allocate(heap.byteSize(), 64);
        s.copyFrom(heap);
        return new NdArray(dtype, shape, s);
    }

    /** Values as float32, converting from any numeric dtype (bf16/f16 widened exactly). */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        switch (dtype) {
            case FLOAT32 -> MemorySegment.copy(data, F32, 0, out, 0, n);
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) out[i] = (float) data.getAtIndex(F64, i);
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I32, i);
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I64, i);
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xffff) << 16);
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getAtIndex(I16, i));
            }
            case UINT8, BOOL -> {
                for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            }
        }
        return out;
    }

    /** Values as float64, converting from any numeric dtype. */
    public double[] toDoubles() {
        if (dtype == DType.FLOAT64) {
            int n = Math.toIntExact(numel());
            double[] out = new double[n];
            MemorySegment.copy(data, F64, 0, out, 0, n);
            return out;
        }
        if (dtype == DType.INT64) {
            long[] l = toLongs();
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) out[i] = l[i];
            return out;
        }
        float[] f = toFloats();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** Values as int64; only for integer dtypes. */
    public long[] toLongs() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        switch (dtype) {
            case INT64 -> MemorySegment.copy(data, I64, 0, out, 0, n);
            case INT32 -> {
                for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I32, i);
            }
            case UINT8, BOOL -> {
                for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            }
            default -> throw new IllegalArgumentException("toLongs: " + dtype + " is not an integer type");
        }
        return out;
    }

    /** Values as int32; only for integer dtypes whose values fit. */
    public int[] toInts() {
        long[] l = toLongs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) out[i] = Math.toIntExact(l[i]);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray a
                && a.dtype == dtype
                && Arrays.equals(a.shape, shape)
                && data.byteSize() == a.data.byteSize()
                && data.mismatch(a.data) == -1;
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
