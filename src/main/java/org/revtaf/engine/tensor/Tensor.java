package org.revtaf.engine.tensor;

import java.util.Random;
import org.revtaf.RevtafException;

/**
 * An n-dimensional array on a device: a strided view (shape, strides, offset) of a
 * {@link Storage}, with an element type and, for autograd, {@code requiresGrad}, {@code grad}
 * and the node that produced it. Views (reshape, permute, slice, expand) share storage.
 *
 * <p>This is the data layer: it imports nothing above {@code org.revtaf.engine.tensor}. The fluent math
 * methods ({@code x.add(y)}, {@code x.matmul(w)}, ...) and {@link #backward()} are the ops of the
 * same name in {@code org.revtaf.engine.ops.F}, reached through {@link TensorOps} (a plug-in the ops
 * layer provides), and device memory comes from the allocator the device's backend registered
 * with {@link Allocator}.
 */
public final class Tensor {
    private final Storage storage;
    private final Device device;
    private final DType dtype;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    public Tensor(Storage storage, Device device, DType dtype, int[] shape, int[] strides, int offset) {
        if (storage.dtype() != dtype)
            throw new IllegalArgumentException("storage " + storage.dtype() + " vs tensor " + dtype);
        this.storage = storage;
        this.device = device;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
    }

    // ---- factories ------------------------------------------------------------------------

    /** Uninitialised contiguous tensor (contents unspecified; kernels overwrite it). */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        return of(allocate(device, dtype, Shapes.numel(shape), false), device, shape);
    }

    public static Tensor zeros(Device device, DType dtype, int... shape) {
        return of(allocate(device, dtype, Shapes.numel(shape), true), device, shape);
    }

    /**
     * Memory for n elements: pooled heap arrays on host devices, the device backend's allocator
     * otherwise (registered with the current {@link Scope} either way).
     */
    private static Storage allocate(Device device, DType dtype, int n, boolean zero) {
        return Allocator.allocate(device, dtype, n, zero);
    }

    /** Host device on which a factory fills values before moving them to the target device. */
    private static Device staging(Device device) {
        return device.isHost() ? device : Device.CPU;
    }

    /** A tensor of {@code value}; on a device filled there by its kernel (no host array, no upload). */
    public static Tensor full(Device device, DType dtype, double value, int... shape) {
        Tensor t = empty(device, dtype, shape);
        if (!device.isHost()) {
            TensorOps.get().fill(t, value);
            return t;
        }
        HeapStorage s = t.heap();
        for (int i = 0; i < s.length(); i++) s.set(i, value);
        return t;
    }

    public static Tensor ones(Device device, DType dtype, int... shape) {
        return full(device, dtype, 1.0, shape);
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(Device device, DType dtype, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return ofDoubles(device, dtype, v, n);
    }

    public static Tensor scalar(Device device, DType dtype, double value) {
        return full(device, dtype, value);
    }

    /** A float32 tensor holding a copy of data. */
    public static Tensor of(Device device, float[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(staging(device), DType.FLOAT32, shape);
        System.arraycopy(data, 0, t.heap().f32(), 0, data.length);
        return t.moveTo(device);
    }

    /** A float64 tensor holding a copy of data. */
    public static Tensor ofDoubles(Device device, double[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(staging(device), DType.FLOAT64, shape);
        System.arraycopy(data, 0, t.heap().f64(), 0, data.length);
        return t.moveTo(device);
    }

    /** A tensor of the given dtype holding data converted from doubles. */
    public static Tensor ofDoubles(Device device, DType dtype, double[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(staging(device), dtype, shape);
        HeapStorage s = t.heap();
        for (int i = 0; i < data.length; i++) s.set(i, data[i]);
        return t.moveTo(device);
    }

    /** An int64 (index) tensor holding a copy of data. */
    public static Tensor ofLongs(Device device, long[] data, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(staging(device), DType.INT64, shape);
        System.arraycopy(data, 0, t.heap().i64(), 0, data.length);
        return t.moveTo(device);
    }

    /** Standard normal values (times scale) from a seeded generator. */
    public static Tensor randn(Device device, DType dtype, Random rng, double scale, int... shape) {
        Tensor t = empty(staging(device), dtype, shape);
        HeapStorage s = t.heap();
        for (int i = 0; i < s.length(); i++) s.set(i, rng.nextGaussian() * scale);
        return t.moveTo(device);
    }

    /** Uniform values in [lo, hi) from a seeded generator. */
    public static Tensor uniform(Device device, DType dtype, Random rng, double lo, double hi, int... shape) {
        Tensor t = empty(staging(device), dtype, shape);
        HeapStorage s = t.heap();
        for (int i = 0; i < s.length(); i++) s.set(i, lo + (hi - lo) * rng.nextDouble());
        return t.moveTo(device);
    }

    /** A tensor holding a copy of a file-format array (float16/bfloat16 widened to float32). */
    public static Tensor fromNdArray(NdArray a, Device device) {
        int[] shape = new int[a.rank()];
        long[] ls = a.shape();
        for (int i = 0; i < shape.length; i++) shape[i] = Math.toIntExact(ls[i]);
        return switch (a.dtype()) {
            case FLOAT64 -> ofDoubles(device, a.toDoubles(), shape);
            case INT64, INT32, UINT8, BOOL -> ofLongs(device, a.toLongs(), shape);
            default -> of(device, a.toFloats(), shape);
        };
    }

    /** A contiguous copy as a file-format array. */
    public NdArray toNdArray() {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return switch (dtype) {
            case FLOAT32 -> NdArray.ofFloats(s, toFloats());
            case FLOAT64 -> NdArray.ofDoubles(s, toDoubles());
            case INT32, INT64 -> NdArray.ofLongs(s, toLongs());
            default -> NdArray.ofFloats(s, toFloats());
        };
    }

    private static void checkLength(int n, int[] shape) {
        if (n != Shapes.numel(shape))
            throw new RevtafException("tensor: " + n + " values for shape " + Shapes.str(shape));
    }

    private static Tensor of(Storage s, Device device, int[] shape) {
        return new Tensor(s, device, s.dtype(), shape, Shapes.contiguousStrides(shape), 0);
    }

    // ---- layout -----------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    /** The shape array itself, for kernels (do not modify). */
    public int[] shapeRef() {
        return shape;
    }

    public int shape(int axis) {
        return shape[Shapes.axis("shape", axis, shape.length)];
    }

    public int[] strides() {
        return strides.clone();
    }

    /** The strides array itself, for kernels (do not modify). */
    public int[] stridesRef() {
        return strides;
    }

    public int offset() {
        return offset;
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return device;
    }

    public Storage storage() {
        return storage;
    }

    /**
     * This tensor's data on the host: itself for heap storage, else a host copy of the device
     * memory with the same layout (for reading values).
     */
    public Tensor host() {
        if (storage instanceof DeviceStorage ds)
            return new Tensor(ds.toHost(), Device.CPU, dtype, shape, strides, offset);
        return this;
    }

    /** A contiguous copy on another device (no autograd; see F.to for the differentiable one). */
    public Tensor copyTo(Device target) {
        Tensor src = host();
        Tensor dst = empty(staging(target), dtype, shape);
        StridedIndex.copy(dst, src);
        return dst.moveTo(target);
    }

    /** This host tensor itself when target is a host device (relabelled), else its upload. */
    private Tensor moveTo(Device target) {
        if (target.isHost())
            return target == device ? this : new Tensor(storage, target, dtype, shape, strides, offset);
        Storage s = allocate(target, dtype, numel(), false);
        ((DeviceStorage) s).copyFromHost(heap());
        return new Tensor(s, target, dtype, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** The host storage; an error for device memory. */
    public HeapStorage heap() {
        if (storage instanceof HeapStorage h) return h;
        throw new IllegalStateException("tensor on " + device + " has no host storage; copy it to the host first");
    }

    /** The float32 array behind this tensor (index it from {@link #offset()}). */
    public float[] f32() {
        return heap().f32();
    }

    /** The float64 array behind this tensor (index it from {@link #offset()}). */
    public double[] f64() {
        return heap().f64();
    }

    public boolean isContiguous() {
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != acc) return false;
            acc *= shape[i];
        }
        return true;
    }

    /** A view of the same storage with another layout (no autograd; ops use {@link F} views). */
    public Tensor asStrided(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(storage, device, dtype, newShape, newStrides, newOffset);
    }

    /** A contiguous view of the same storage with a new shape; this tensor must be contiguous. */
    public Tensor viewAs(int... newShape) {
        if (!isContiguous()) throw new IllegalStateException("viewAs on a non-contiguous tensor " + this);
        if (Shapes.numel(newShape) != numel())
            throw new RevtafException("view: cannot view " + Shapes.str(shape) + " as " + Shapes.str(newShape));
        return asStrided(newShape, Shapes.contiguousStrides(newShape), offset);
    }

    // ---- data access ------------------------------------------------------------------------

    /** All elements in C order as doubles (a copy). */
    public double[] toDoubles() {
        if (!(storage instanceof HeapStorage)) return host().toDoubles();
        HeapStorage s = heap();
        int n = numel();
        double[] out = new double[n];
        if (isContiguous() && s.array() instanceof double[] a) System.arraycopy(a, offset, out, 0, n);
        else if (isContiguous() && s.array() instanceof float[] a) for (int i = 0; i < n; i++) out[i] = a[offset + i];
        else {
            StridedIndex it = new StridedIndex(this);
            for (int i = 0; i < n; i++) out[i] = s.get(it.next());
        }
        return out;
    }

    /** All elements in C order as floats (a copy). */
    public float[] toFloats() {
        if (!(storage instanceof HeapStorage)) return host().toFloats();
        HeapStorage s = heap();
        int n = numel();
        float[] out = new float[n];
        if (isContiguous() && s.array() instanceof float[] a) System.arraycopy(a, offset, out, 0, n);
        else {
            StridedIndex it = new StridedIndex(this);
            for (int i = 0; i < n; i++) out[i] = (float) s.get(it.next());
        }
        return out;
    }

    /** All elements in C order as longs (a copy; floats are truncated). */
    public long[] toLongs() {
        if (!(storage instanceof HeapStorage)) return host().toLongs();
        HeapStorage s = heap();
        int n = numel();
        long[] out = new long[n];
        StridedIndex it = new StridedIndex(this);
        if (s.array() instanceof long[] a) for (int i = 0; i < n; i++) out[i] = a[it.next()];
        else for (int i = 0; i < n; i++) out[i] = (long) s.get(it.next());
        return out;
    }

    /**
     * Writes values (C order) into this tensor's elements, whatever its strides. On a device this is
     * an explicit host copy point: the storage comes to the host, the elements are written, and it
     * goes back (initialisation, weight loading; not for the training loop).
     */
    public void setDoubles(double[] values) {
        if (values.length != numel()) throw new IllegalArgumentException(values.length + " values for " + this);
        if (storage instanceof DeviceStorage ds) {
            HeapStorage h = ds.toHost();
            new Tensor(h, Device.CPU, dtype, shape, strides, offset).setDoubles(values);
            ds.copyFromHost(h);
            return;
        }
        HeapStorage s = heap();
        if (isContiguous() && s.array() instanceof double[] a) System.arraycopy(values, 0, a, offset, values.length);
        else if (isContiguous() && s.array() instanceof float[] a) {
            for (int i = 0; i < values.length; i++) a[offset + i] = (float) values[i];
        } else {
            StridedIndex it = new StridedIndex(this);
            for (double v : values) s.set(it.next(), v);
        }
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel() != 1)
            throw new RevtafException("item: tensor of shape " + Shapes.str(shape) + " has " + numel() + " elements");
        return host().heap().get(offset);
    }

    /** One element by index. */
    public double get(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("get: " + index.length + " indices for " + this);
        int o = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i])
                throw new IndexOutOfBoundsException("get: index " + index[i] + " axis " + i + " of " + this);
            o += index[i] * strides[i];
        }
        return host().heap().get(o);
    }

    // ---- autograd ---------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor (a parameter) as needing a gradient; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value)
            throw new IllegalStateException("requiresGrad(false) on a non-leaf; use detach()");
        this.requiresGrad = value;
        return this;
    }

    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        this.grad = g;
    }

    public Node gradFn() {
        return gradFn;
    }

    /** Records the node that produced this tensor (called by ops). */
    public void setGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = node != null;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Backward from a one-element tensor (seed 1). */
    public void backward() {
        TensorOps.get().backward(this, null);
    }

    /** Backward with an explicit upstream gradient of this tensor's shape. */
    public void backward(Tensor upstream) {
        TensorOps.get().backward(this, upstream);
    }

    /** The same data, cut from the graph (shares storage). */
    public Tensor detach() {
        return asStrided(shape, strides, offset);
    }

    /** Sets the accumulated gradient to zero in place (the buffer is kept for the next step). */
    public void zeroGrad() {
        if (grad != null) TensorOps.get().fill(grad, 0.0);
    }

    /** Drops the gradient buffer. */
    public void clearGrad() {
        grad = null;
    }

    // ---- fluent ops (org.revtaf.engine.ops.F through TensorOps) ------------------------------------

    public Tensor add(Tensor o) {
        return TensorOps.get().add(this, o);
    }

    public Tensor sub(Tensor o) {
        return TensorOps.get().sub(this, o);
    }

    public Tensor mul(Tensor o) {
        return TensorOps.get().mul(this, o);
    }

    public Tensor div(Tensor o) {
        return TensorOps.get().div(this, o);
    }

    public Tensor mul(double s) {
        return TensorOps.get().scale(this, s);
    }

    public Tensor add(double s) {
        return TensorOps.get().addScalar(this, s);
    }

    public Tensor neg() {
        return TensorOps.get().neg(this);
    }

    public Tensor exp() {
        return TensorOps.get().exp(this);
    }

    public Tensor log() {
        return TensorOps.get().log(this);
    }

    public Tensor sqrt() {
        return TensorOps.get().sqrt(this);
    }

    public Tensor pow(double p) {
        return TensorOps.get().pow(this, p);
    }

    public Tensor matmul(Tensor o) {
        return TensorOps.get().matmul(this, o);
    }

    public Tensor sum(int... axes) {
        return TensorOps.get().sum(this, false, axes);
    }

    public Tensor mean(int... axes) {
        return TensorOps.get().mean(this, false, axes);
    }

    public Tensor reshape(int... newShape) {
        return TensorOps.get().reshape(this, newShape);
    }

    public Tensor permute(int... order) {
        return TensorOps.get().permute(this, order);
    }

    public Tensor transpose(int a, int b) {
        return TensorOps.get().transpose(this, a, b);
    }

    public Tensor slice(int axis, int start, int end) {
        return TensorOps.get().slice(this, axis, start, end);
    }

    public Tensor expand(int... newShape) {
        return TensorOps.get().expand(this, newShape);
    }

    public Tensor unsqueeze(int axis) {
        return TensorOps.get().unsqueeze(this, axis);
    }

    public Tensor contiguous() {
        return TensorOps.get().contiguous(this);
    }

    /** A copy on another device (differentiable; host devices copy arrays). */
    public Tensor to(Device target) {
        return TensorOps.get().to(this, target);
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.str(shape) + " " + dtype + " on " + device + (requiresGrad ? " (requires grad)" : "");
    }
}
