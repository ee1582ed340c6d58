package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.backend.Buf.of;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornGeom;

/** The fast kernels reject wrong spans and scalars with a message naming the op and the argument. */
class FusedArgsTest {

    private static void rejects(Executable call, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + e.getMessage() + "' should name " + w);
    }

    @Test
    void shortArraysNegativeSizesAndBadScalarsAreNamed() {
        float[] x = new float[6], small = new float[5];
        rejects(() -> HyperbolicCpu.mobiusAdd(of(x), of(x), of(small), 3, 2, 3, 0.01), "mobiusAdd", "y", "6", "5");
        rejects(() -> HyperbolicCpu.mobiusAdd(of(x), of(x, 1), of(x), 3, 2, 3, 0.01), "mobiusAdd", "x", "offset 1");
        rejects(() -> HyperbolicCpu.poincareDist(of(x), of(x), of(x), 2, 3, 1, 0.0), "poincareDist", "curvature");
        rejects(() -> HyperbolicCpu.poincareMap(of(x), of(x), -1, 3, 1, RowMap.PROJ), "rowMap PROJ", "n");
        float[] hist = new float[SinkhornCpu.uHistSize(1, 2, 10)];
        rejects(
                () -> SinkhornCpu.forward(
                        of(x), hist, hist, of(x), null, null, new SinkhornGeom(1, 2, 3, -0.05, 10, 1e-6)),
                "sinkhorn",
                "eps");
        rejects(
                () -> SinkhornCpu.forward(
                        of(x), hist, hist, of(x), null, of(small), new SinkhornGeom(2, 1, 3, 0.05, 10, 1e-6)),
                "tokenMask");
        rejects(() -> SoftIouCpu.forward(of(x), of(x), of(small), 1, 2, 3, 3), "softIou", "g");
        rejects(
                () -> AttentionCpu.forward(
                        of(x),
                        of(x),
                        of(x),
                        of(x),
                        of(x),
                        of(new float[2]),
                        new AttentionGeom(1, 1, 2, 3, 2, 0.5, false, DropoutMask.NONE)),
                "attention",
                "keyMask");
        rejects(
                () -> AttentionCpu.backward(
                        null,
                        null,
                        null,
                        of(x),
                        of(x),
                        null,
                        of(x),
                        of(x),
                        of(x),
                        null,
                        new AttentionGeom(1, 1, 2, 3, 2, 0.5, false, DropoutMask.NONE)),
                "attentionBackward",
                "lse",
                "null");
    }
}
