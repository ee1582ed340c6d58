package org.revtaf.engine.tensor;

import java.util.ServiceLoader;

/**
 * What the tensor layer needs from the layers above it, as one plug-in interface: opening a
 * device's backend (which registers its allocator with {@link Allocator}), backward, a fill for
 * {@code zeroGrad}, and the op behind each fluent method of {@link Tensor} (same names and
 * arguments as {@code org.revtaf.engine.ops.F}). The ops layer implements it ({@code
 * org.revtaf.engine.ops.FluentOps}, listed in {@code META-INF/services/org.revtaf.engine.tensor.TensorOps}); the
 * tensor layer finds it with {@link ServiceLoader} on first use, so no class of this package
 * imports the packages above it.
 */
public interface TensorOps {
    /** The implementation on the class path (loaded once). */
    static TensorOps get() {
        return Loaded.OPS;
    }

    /** Opens the backend of a non-host device, or throws a RevtafException saying why it cannot run here. */
    void open(Device device);

    /** Reverse-mode differentiation from root (upstream null: seed 1 for a one-element root). */
    void backward(Tensor root, Tensor upstream);

    /** Every element of a contiguous tensor set to value, in place (no autograd). */
    void fill(Tensor t, double value);

    Tensor add(Tensor a, Tensor b);

    Tensor sub(Tensor a, Tensor b);

    Tensor mul(Tensor a, Tensor b);

    Tensor div(Tensor a, Tensor b);

    Tensor scale(Tensor x, double s);

    Tensor addScalar(Tensor x, double s);

    Tensor neg(Tensor x);

    Tensor exp(Tensor x);

    Tensor log(Tensor x);

    Tensor sqrt(Tensor x);

    Tensor pow(Tensor x, double p);

    Tensor matmul(Tensor a, Tensor b);

    Tensor sum(Tensor x, boolean keepDim, int... axes);

    Tensor mean(Tensor x, boolean keepDim, int... axes);

    Tensor reshape(Tensor x, int... shape);

    Tensor permute(Tensor x, int... order);

    Tensor transpose(Tensor x, int a, int b);

    Tensor slice(Tensor x, int axis, int start, int end);

    Tensor expand(Tensor x, int... shape);

    Tensor unsqueeze(Tensor x, int axis);

    Tensor contiguous(Tensor x);

    Tensor to(Tensor x, Device device);

    /** Lazy holder: the ServiceLoader lookup runs on the first fluent call or device allocation. */
    final class Loaded {
        static final TensorOps OPS = ServiceLoader.load(TensorOps.class)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "no org.revtaf.engine.tensor.TensorOps implementation on the class path (org.revtaf.engine.ops.FluentOps)"));

        private Loaded() {}
    }
}
