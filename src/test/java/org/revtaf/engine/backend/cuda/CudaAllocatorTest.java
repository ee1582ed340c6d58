package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * The caching device allocator: size classes, freed blocks reused (the same work again needs no new
 * device memory), current and peak bytes, and tensors that escape every Scope given back by the
 * Cleaner once unreachable.
 */
class CudaAllocatorTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    @Test
    void sizeClassesArePowersOfTwoThenWholeMebibytes() {
        assertEquals(512, CudaDevice.sizeClass(1));
        assertEquals(512, CudaDevice.sizeClass(512));
        assertEquals(1024, CudaDevice.sizeClass(513));
        assertEquals(1L << 20, CudaDevice.sizeClass((1L << 20) - 5));
        assertEquals(3L << 20, CudaDevice.sizeClass((2L << 20) + 1));
    }

    private static void work(Tensor w) {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(Device.CUDA_EMU, DType.FLOAT32, 64, 32);
            F.sum(F.relu(F.matmul(x, w)), false).toDoubles();
        }
    }

    @Test
    void freedBlocksAreReusedAndCounted() {
        CudaBackend b = (CudaBackend) Backends.of(Device.CUDA_EMU);
        Tensor w = Tensor.ones(Device.CUDA_EMU, DType.FLOAT32, 32, 48);
        work(w);
        long live = b.currentBytes(), cached = b.cachedBytes();
        assertTrue(cached > 0, "a closed Scope gives its blocks to the cache");
        b.resetPeak();
        for (int i = 0; i < 5; i++) work(w);
        assertEquals(live, b.currentBytes(), "the same work leaves nothing behind");
        assertEquals(cached, b.cachedBytes(), "the same work is served from the cache, no new device memory");
        assertTrue(b.peakBytes() > live, "the peak counts the step's temporaries");
    }

    @Test
    void escapedTensorsGoBackWhenUnreachable() throws InterruptedException {
        CudaBackend b = (CudaBackend) Backends.of(Device.CUDA_EMU);
        long before = b.currentBytes();
        for (int i = 0; i < 8; i++) Tensor.zeros(Device.CUDA_EMU, DType.FLOAT32, 1 << 16); // no Scope: escapes
        assertTrue(b.currentBytes() >= before + 8 * (4L << 16), "live until collected");
        for (int i = 0; i < 50 && b.currentBytes() > before; i++) {
            System.gc();
            Thread.sleep(20);
        }
        long after = b.currentBytes(); // other unreachable tensors may have gone back too
        assertTrue(after <= before, "the Cleaner returned every escaped tensor's block: " + before + " -> " + after);
    }
}
