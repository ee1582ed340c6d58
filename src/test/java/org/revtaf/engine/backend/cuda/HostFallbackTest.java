package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * The counted host path with argument records: float64 norms on cuda-emu have no device kernel, so
 * their {@code LayerNormArgs}/{@code BatchNormArgs} go to the host with every tensor inside staged,
 * and the outputs, saved statistics, running statistics (updated in place) and gradients come back
 * equal to the cpu device's.
 */
class HostFallbackTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    @AfterAll
    static void unregister() {
        Backends.unregister(Device.CUDA_EMU);
    }

    private static Tensor randn(Random r, int... shape) {
        return Tensor.randn(Device.CPU, DType.FLOAT64, r, 1, shape);
    }

    @Test
    void float64NormsRunOnTheHostThroughTheirArgumentRecords() {
        Random r = new Random(7);
        Tensor x = randn(r, 3, 4, 5), w = randn(r, 4), b = randn(r, 4), rm = randn(r, 4);
        Tensor rv = F.addScalar(F.abs(randn(r, 4)), 0.5), lw = randn(r, 5), lb = randn(r, 5);
        Map<String, Long> before = HostFallback.calls();
        Tensor[] cpu = norms(x, w, b, rm, rv, lw, lb);
        Tensor[] emu = norms(x, w, b, rm, rv, lw, lb, Device.CUDA_EMU);
        for (int i = 0; i < cpu.length; i++)
            assertArrayEquals(cpu[i].toDoubles(), emu[i].toDoubles(), 0, "result " + i);
        Map<String, Long> after = HostFallback.calls();
        for (String m :
                new String[] {"norm.layerNorm", "norm.layerNormBackward", "norm.batchNorm", "norm.batchNormBackward"})
            assertEquals(before.getOrDefault(m, 0L) + 1, after.get(m), m + " host calls");
    }

    /** Layer norm (last axis) and training batch norm of x on the cpu, with their gradients. */
    private static Tensor[] norms(Tensor x, Tensor w, Tensor b, Tensor rm, Tensor rv, Tensor lw, Tensor lb) {
        return norms(x, w, b, rm, rv, lw, lb, Device.CPU);
    }

    private static Tensor[] norms(
            Tensor x, Tensor w, Tensor b, Tensor rm, Tensor rv, Tensor lw, Tensor lb, Device device) {
        Tensor xd = x.copyTo(device).requiresGrad(true), lwd = lw.copyTo(device).requiresGrad(true);
        Tensor rmd = rm.copyTo(device), rvd = rv.copyTo(device);
        Tensor ln = F.layerNorm(xd, lwd, lb.copyTo(device), 1e-5);
        Tensor bn = F.batchNorm2d(xd, w.copyTo(device), b.copyTo(device), rmd, rvd, true, 0.1, 1e-5);
        F.add(F.sum(F.mul(ln, ln), false), F.sum(F.mul(bn, bn), false)).backward();
        return new Tensor[] {ln, bn, rmd, rvd, xd.grad(), lwd.grad()};
    }
}
