package org.revtaf.backend.fused;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The fast kernels reject wrong spans and scalars with a message naming the op and the argument. */
class FusedArgsTest {

    private static void rejects(Executable call, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + e.getMessage() + "' should name " + w);
    }

    @Test
    void shortArraysNegativeSizesAndBadScalarsAreNamed() {
        float[] x = new float[6], small = new float[5];
        rejects(() -> HyperbolicCpu.mobiusAdd(x, 0, x, 0, small, 0, 3, 2, 3, 0.01), "mobiusAdd", "y", "6", "5");
        rejects(() -> HyperbolicCpu.mobiusAdd(x, 0, x, 1, x, 0, 3, 2, 3, 0.01), "mobiusAdd", "x", "offset 1");
        rejects(() -> HyperbolicCpu.poincareDist(x, 0, x, 0, x, 0, 2, 3, 1, 0.0), "poincareDist", "curvature");
        rejects(() -> HyperbolicCpu.rowMap(HyperbolicRef.RowMap.PROJ, x, 0, x, 0, -1, 3, 1), "rowMap PROJ", "n");
        float[] hist = new float[SinkhornCpu.uHistSize(1, 2, 10)];
        rejects(
                () -> SinkhornCpu.forward(x, 0, hist, hist, x, 0, null, 0, null, 0, 1, 2, 3, -0.05, 10, 1e-6),
                "sinkhorn",
                "eps");
        rejects(
                () -> SinkhornCpu.forward(x, 0, hist, hist, x, 0, null, 0, small, 0, 2, 1, 3, 0.05, 10, 1e-6),
                "tokenMask");
        rejects(() -> SoftIouCpu.forward(x, 0, x, 0, small, 0, 1, 2, 3, 3), "softIou", "b");
        rejects(
                () -> AttentionCpu.forward(
                        x, 0, x, 0, x, 0, x, 0, x, 0, new float[2], 0, 1, 1, 2, 3, 2, 0.5, false, DropoutMask.NONE),
                "attention",
                "keyMask");
        rejects(
                () -> AttentionCpu.backward(
                        null,
                        0,
                        null,
                        0,
                        null,
                        0,
                        x,
                        0,
                        x,
                        0,
                        null,
                        0,
                        x,
                        0,
                        x,
                        0,
                        x,
                        0,
                        null,
                        0,
                        1,
                        1,
                        2,
                        3,
                        2,
                        0.5,
                        false,
                        DropoutMask.NONE),
                "attentionBackward",
                "lse",
                "null");
    }
}
