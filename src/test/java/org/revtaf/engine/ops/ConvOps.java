package org.revtaf.engine.ops;

import java.util.function.Function;
import org.revtaf.engine.tensor.Tensor;

/**
 * The conv2d cases shared by {@link GradCheckTest} and the CPU backend's parity cases: {@code F.conv2d} of
 * the inputs as they come, x (N, C, H, W), w (O, C / groups, kH, kW) and, when given, the bias (O).
 */
public final class ConvOps {
    private ConvOps() {}

    /** Square stride, padding and dilation. */
    public static Function<Tensor[], Tensor> conv2d(int stride, int pad, int dil, int groups) {
        return in -> F.conv2d(in[0], in[1], bias(in), stride, pad, dil, groups);
    }

    /** Stride (2, 1), padding (1, 2), dilation (2, 1): every (height, width) pair differs. */
    public static Function<Tensor[], Tensor> conv2dUneven() {
        return in -> F.conv2d(in[0], in[1], bias(in), new int[] {2, 1}, new int[] {1, 2}, new int[] {2, 1}, 1);
    }

    private static Tensor bias(Tensor[] in) {
        return in.length > 2 ? in[2] : null;
    }
}
