package org.revtaf.engine.backend.cpu;

import java.util.Random;
import java.util.function.Function;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * cpu backend vs reference backend on identical float32 inputs: forward outputs, then backward with
 * one random upstream gradient, every input gradient compared with TensorAssert.
 */
public final class Parity {
    private Parity() {}

    /** Builds the same input on a given device. */
    public interface In extends Function<Device, Tensor> {}

    static In randn(long seed, int... shape) {
        return d -> Tensor.randn(d, DType.FLOAT32, new Random(seed), 1.0, shape).requiresGrad(true);
    }

    static In unif(long seed, double lo, double hi, int... shape) {
        return d -> Tensor.uniform(d, DType.FLOAT32, new Random(seed), lo, hi, shape)
                .requiresGrad(true);
    }

    /** A non-differentiable float32 input (masks). */
    static In fixed(double[] v, int... shape) {
        return d -> Tensor.ofDoubles(d, DType.FLOAT32, v, shape);
    }

    static In longs(long[] v, int... shape) {
        return d -> Tensor.ofLongs(d, v, shape);
    }

    /** Random indices in [0, bound). */
    static In indices(long seed, int bound, int... shape) {
        Random r = new Random(seed);
        long[] v = new long[org.revtaf.engine.tensor.Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(bound);
        return longs(v, shape);
    }

    static void check(String name, Function<Tensor[], Tensor> f, In... ins) {
        check(Device.CPU, name, 1e-5, 1e-4, f, ins);
    }

    static void check(Device device, String name, Function<Tensor[], Tensor> f, In... ins) {
        check(device, name, 1e-5, 1e-4, f, ins);
    }

    static void check(String name, double atol, double rtol, Function<Tensor[], Tensor> f, In... ins) {
        check(Device.CPU, name, atol, rtol, f, ins);
    }

    /** {@code device} vs reference on the same float32 inputs, forward and every input gradient. */
    static void check(Device device, String name, double atol, double rtol, Function<Tensor[], Tensor> f, In... ins) {
        Tensor[] ref = new Tensor[ins.length], cpu = new Tensor[ins.length];
        for (int i = 0; i < ins.length; i++) {
            ref[i] = ins[i].apply(Device.REFERENCE);
            cpu[i] = ins[i].apply(device);
        }
        Tensor yr = f.apply(ref), yc = f.apply(cpu);
        TensorAssert.assertClose(name + " forward", yc, yr, atol, rtol);
        if (!yr.requiresGrad()) return;
        long seed = 7;
        Tensor gr = Tensor.randn(Device.REFERENCE, DType.FLOAT32, new Random(seed), 1.0, yr.shapeRef());
        Tensor gc = Tensor.randn(device, DType.FLOAT32, new Random(seed), 1.0, yc.shapeRef());
        yr.backward(gr);
        yc.backward(gc);
        for (int i = 0; i < ins.length; i++) {
            if (!ref[i].requiresGrad()) continue;
            if (ref[i].grad() == null && cpu[i].grad() == null) continue;
            if (ref[i].grad() == null || cpu[i].grad() == null)
                throw new AssertionError(name + ": gradient of input " + i + " missing on one backend");
            TensorAssert.assertClose(name + " d/dinput" + i, cpu[i].grad(), ref[i].grad(), atol, rtol);
        }
    }
}
