package org.revtaf.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** Convolution and pooling sizes out of range are clear errors naming the op and the size, never a crash. */
class ConvArgumentsTest {
    // x: (1, 2, 5, 5), w: (3, 2, 3, 3)
    private final Tensor x = Tensor.zeros(Device.REFERENCE, DType.FLOAT32, 1, 2, 5, 5);
    private final Tensor w = Tensor.zeros(Device.REFERENCE, DType.FLOAT32, 3, 2, 3, 3);

    private static void expect(String fragment, Runnable r) {
        RevtafException e = assertThrows(RevtafException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void convStrideDilationAndPaddingOutOfRange() {
        int[] one = {1, 1}, zero = {0, 0};
        expect("conv2d: stride must be at least 1, got 0", () -> Conv.conv2d(x, w, null, zero, zero, one, 1));
        expect(
                "conv2d: dilation must be at least 1, got [1, 0]",
                () -> Conv.conv2d(x, w, null, one, zero, new int[] {1, 0}, 1));
        expect(
                "conv2d: padding must be at least 0, got -5",
                () -> Conv.conv2d(x, w, null, one, new int[] {-5, -5}, one, 1));
        // in range still works: (5 + 2 - 3) / 2 + 1 = 3
        assertEquals(3, Conv.conv2d(x, w, null, new int[] {2, 2}, one, one, 1).shape(2));
    }

    @Test
    void poolKernelAndStrideOutOfRange() {
        int[] two = {2, 2}, zero = {0, 0};
        expect("max_pool2d: kernel must be at least 1, got 0", () -> Conv.maxPool2d(x, zero, two, zero));
        expect("avg_pool2d: stride must be at least 1, got 0", () -> Conv.avgPool2d(x, two, zero, zero, true));
        expect("max_pool2d: padding must be at least 0, got -1", () -> Conv.maxPool2d(x, two, two, new int[] {-1, -1}));
        assertEquals(2, Conv.maxPool2d(x, two, two, zero).shape(3));
    }
}
