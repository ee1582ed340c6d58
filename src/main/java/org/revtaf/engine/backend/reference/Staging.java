package org.revtaf.engine.backend.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * The tensor side of the array-level oracles: a float64 tensor is passed as its own array, any
 * other one as a double copy, and copied outputs are rounded into their tensors once the oracle
 * returns ({@link #run}).
 */
final class Staging {
    private final List<Runnable> writeBack = new ArrayList<>();

    private Staging() {}

    /** Runs an oracle call on staged buffers, then writes the copied outputs back. */
    static void run(Consumer<Staging> call) {
        Staging s = new Staging();
        call.accept(s);
        s.writeBack.forEach(Runnable::run);
    }

    /** An input (null stays null). */
    Buf.F64 in(Tensor t) {
        if (t == null) return null;
        if (t.dtype() == DType.FLOAT64 && t.isContiguous()) return new Buf.F64(t.f64(), t.offset());
        return Buf.F64.of(t.toDoubles());
    }

    /** An output, or an input that is updated in place (null stays null). */
    Buf.F64 out(Tensor t) {
        if (t == null) return null;
        if (t.dtype() == DType.FLOAT64 && t.isContiguous()) return new Buf.F64(t.f64(), t.offset());
        double[] a = t.toDoubles();
        writeBack.add(() -> t.setDoubles(a));
        return Buf.F64.of(a);
    }

    /** A float mask (nonzero = valid), or null. */
    static Buf.F32 mask(Tensor m) {
        return m == null ? null : Buf.F32.of(m.toFloats());
    }
}
