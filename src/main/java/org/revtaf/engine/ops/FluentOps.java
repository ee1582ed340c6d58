package org.revtaf.engine.ops;

import org.revtaf.engine.autograd.Engine;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorOps;

/**
 * The ops layer's side of {@link TensorOps}: what {@code Tensor}'s fluent methods, {@code
 * backward()} and device allocation reach without the tensor layer importing this one. Each
 * method is the {@link F} op of the same name. Found by ServiceLoader
 * (META-INF/services/org.revtaf.engine.tensor.TensorOps).
 */
public final class FluentOps implements TensorOps {
    @Override
    public void open(Device device) {
        Backends.of(device);
    }

    @Override
    public void backward(Tensor root, Tensor upstream) {
        Engine.backward(root, upstream);
    }

    @Override
    public void fill(Tensor t, double value) {
        Profiler.op("fill", Backends.of(t.device(), t.dtype())).elementwise().fill(t, value);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return F.add(a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return F.sub(a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return F.mul(a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        return F.div(a, b);
    }

    @Override
    public Tensor scale(Tensor x, double s) {
        return F.scale(x, s);
    }

    @Override
    public Tensor addScalar(Tensor x, double s) {
        return F.addScalar(x, s);
    }

    @Override
    public Tensor neg(Tensor x) {
        return F.neg(x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return F.exp(x);
    }

    @Override
    public Tensor log(Tensor x) {
        return F.log(x);
    }

    @Override
    public Tensor sqrt(Tensor x) {
        return F.sqrt(x);
    }

    @Override
    public Tensor pow(Tensor x, double p) {
        return F.pow(x, p);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return F.matmul(a, b);
    }

    @Override
    public Tensor sum(Tensor x, boolean keepDim, int... axes) {
        return F.sum(x, keepDim, axes);
    }

    @Override
    public Tensor mean(Tensor x, boolean keepDim, int... axes) {
        return F.mean(x, keepDim, axes);
    }

    @Override
    public Tensor reshape(Tensor x, int... shape) {
        return F.reshape(x, shape);
    }

    @Override
    public Tensor permute(Tensor x, int... order) {
        return F.permute(x, order);
    }

    @Override
    public Tensor transpose(Tensor x, int a, int b) {
        return F.transpose(x, a, b);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return F.slice(x, axis, start, end);
    }

    @Override
    public Tensor expand(Tensor x, int... shape) {
        return F.expand(x, shape);
    }

    @Override
    public Tensor unsqueeze(Tensor x, int axis) {
        return F.unsqueeze(x, axis);
    }

    @Override
    public Tensor contiguous(Tensor x) {
        return F.contiguous(x);
    }

    @Override
    public Tensor to(Tensor x, Device device) {
        return F.to(x, device);
    }
}
