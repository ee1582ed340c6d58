package org.revtaf.engine.tensor;

/**
 * Host memory as one Java array: {@code float[]} (float32), {@code double[]} (float64),
 * {@code int[]} (int32), {@code long[]} (int64) or {@code short[]} (bfloat16/float16 bits).
 * Created by {@link Allocator}; {@link #release()} hands the array back to its pool. The array may
 * be longer than {@link #length()} (allocator size classes); elements past it are unused.
 */
public final class HeapStorage extends SizedStorage implements Storage {
    private Object data;

    HeapStorage(DType dtype, int length, Object data) {
        super(dtype, length);
        this.data = data;
    }

    /** Wraps an existing array without pooling (the array is not copied). */
    public static HeapStorage wrap(Object array) {
        return switch (array) {
            case float[] a -> new HeapStorage(DType.FLOAT32, a.length, a);
            case double[] a -> new HeapStorage(DType.FLOAT64, a.length, a);
            case int[] a -> new HeapStorage(DType.INT32, a.length, a);
            case long[] a -> new HeapStorage(DType.INT64, a.length, a);
            default -> throw new IllegalArgumentException("HeapStorage.wrap: unsupported array " + array.getClass());
        };
    }

    @Override
    public void release() {
        Object d = data;
        data = null;
        if (d != null) Allocator.recycle(dtype(), d);
    }

    @Override
    public boolean isReleased() {
        return data == null;
    }

    /** The raw array (for kernels). */
    public Object array() {
        Object d = data;
        if (d == null)
            throw new IllegalStateException("tensor memory was released by its Scope (keep the tensor with"
                    + " Scope.keep or create it outside the scope)");
        return d;
    }

    public float[] f32() {
        return typed(float[].class, DType.FLOAT32);
    }

    public double[] f64() {
        return typed(double[].class, DType.FLOAT64);
    }

    public int[] i32() {
        return typed(int[].class, DType.INT32);
    }

    public long[] i64() {
        return typed(long[].class, DType.INT64);
    }

    /** The raw array as {@code type}, or a clear error naming both dtypes. */
    private <A> A typed(Class<A> type, DType want) {
        Object a = array();
        if (type.isInstance(a)) return type.cast(a);
        throw wrongType(want);
    }

    /** Element i as a double, whatever the dtype. */
    public double get(int i) {
        return switch (array()) {
            case float[] a -> a[i];
            case double[] a -> a[i];
            case int[] a -> a[i];
            case long[] a -> a[i];
            case short[] a ->
                dtype() == DType.BFLOAT16 ? Float.intBitsToFloat((a[i] & 0xffff) << 16) : Float.float16ToFloat(a[i]);
            default -> throw wrongType(dtype());
        };
    }

    /** Sets element i from a double (rounded to the dtype). */
    public void set(int i, double v) {
        switch (array()) {
            case float[] a -> a[i] = (float) v;
            case double[] a -> a[i] = v;
            case int[] a -> a[i] = (int) v;
            case long[] a -> a[i] = (long) v;
            case short[] a -> a[i] = dtype() == DType.BFLOAT16 ? toBf16((float) v) : Float.floatToFloat16((float) v);
            default -> throw wrongType(dtype());
        }
    }

    /** float to bfloat16 bits, rounding to nearest even (NaN stays NaN). */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    private IllegalStateException wrongType(DType want) {
        return new IllegalStateException("storage holds " + dtype() + ", not " + want);
    }
}
