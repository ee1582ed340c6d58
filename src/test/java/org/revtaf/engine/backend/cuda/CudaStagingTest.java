package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * Uploads through the pinned staging arena are queued without waiting for the stream; only a full
 * arena waits (once for everything queued), a download waits once; every value arrives intact.
 */
class CudaStagingTest {
    private static CudaBackend be;

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
        be = (CudaBackend) Backends.of(Device.CUDA_EMU, DType.FLOAT32);
    }

    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = seed * 1000f + i;
        return v;
    }

    private static void roundTrip(int count, int n, long maxUploadSyncs) {
        try (Scope s = Scope.open()) {
            long before = be.streamSyncs();
            List<Tensor> up = new ArrayList<>();
            for (int i = 0; i < count; i++) up.add(Tensor.of(Device.CUDA_EMU, values(n, i), n));
            long uploadSyncs = be.streamSyncs() - before;
            assertTrue(uploadSyncs <= maxUploadSyncs, count + " uploads of " + n + " floats waited " + uploadSyncs);
            long reads = be.streamSyncs();
            for (int i = 0; i < count; i++)
                assertArrayEquals(values(n, i), up.get(i).toFloats(), "upload " + i);
            assertEquals(count, be.streamSyncs() - reads, "one wait per download");
        }
    }

    @Test
    void smallUploadsDoNotWait() {
        be.synchronize();
        roundTrip(200, 1000, 0); // 800 KB in all: inside the 4 MiB arena
    }

    @Test
    void aFullArenaWaitsOnceForWhatItHolds() {
        be.synchronize();
        roundTrip(12, 1 << 18, 3); // 12 MiB in 1 MiB uploads: a wait every 4 (4 MiB arena), not every one
    }
}
