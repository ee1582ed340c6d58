package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cpu.BackendParityCases;
import org.revtaf.engine.tensor.Device;

/**
 * The cuda backend on cuda-emu vs the reference backend: every case of {@link BackendParityCases}
 * (elementwise over broadcast and transposed views, reductions, softmax, matmul, conv, pooling,
 * resize, layer/batch norm, embedding, index_select, gather, concat, cross-entropy, dropout),
 * forward and backward, on the device kernels: none of them may take the host path.
 */
class CudaParityTest extends BackendParityCases {
    private static Map<String, Long> before;

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
        before = HostFallback.calls();
    }

    @AfterAll
    static void noHostFallbacks() {
        Map<String, Long> after = HostFallback.calls(), used = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0) used.put(k, n);
        });
        assertEquals(Map.of(), used, "kernel calls that took the host path on cuda-emu");
    }

    @Override
    protected Device device() {
        return Device.CUDA_EMU;
    }
}
