package org.revtaf.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.reference.ReferenceBackend;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.DeviceStorage;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Storage;
import org.revtaf.engine.tensor.Tensor;

/** The plug-in point the cuda backend uses: a provider, device storage, host transfers, scopes. */
class BackendRegistryTest {
    /** Device memory stand-in: a host array the host code may only reach through copies. */
    static final class FakeDeviceStorage implements DeviceStorage {
        final HeapStorage mem;
        boolean released;

        FakeDeviceStorage(DType t, int n) {
            mem = Allocator.allocate(t, n, true);
        }

        @Override
        public Device device() {
            return Device.CUDA_EMU;
        }

        @Override
        public HeapStorage toHost() {
            HeapStorage h = Allocator.allocate(mem.dtype(), mem.length(), false);
            for (int i = 0; i < mem.length(); i++) h.set(i, mem.get(i));
            return h;
        }

        @Override
        public void copyFromHost(HeapStorage src) {
            for (int i = 0; i < mem.length(); i++) mem.set(i, src.get(i));
        }

        @Override
        public DType dtype() {
            return mem.dtype();
        }

        @Override
        public int length() {
            return mem.length();
        }

        @Override
        public void release() {
            released = true;
        }

        @Override
        public boolean isReleased() {
            return released;
        }
    }

    private static BackendProvider provider(String reason) {
        return new BackendProvider() {
            @Override
            public Device device() {
                return Device.CUDA_EMU;
            }

            @Override
            public String unavailableReason() {
                return reason;
            }

            @Override
            public Backend create() {
                return new FakeBackend();
            }
        };
    }

    /** Kernels are the reference ones (unused here); only allocation is device-specific. */
    static final class FakeBackend implements Backend {
        @Override
        public Device device() {
            return Device.CUDA_EMU;
        }

        @Override
        public Kernels kernels() {
            return ReferenceBackend.INSTANCE.kernels();
        }

        @Override
        public Storage allocate(DType dtype, int n, boolean zero) {
            return new FakeDeviceStorage(dtype, n);
        }
    }

    @AfterEach
    void unregister() {
        Backends.unregister(Device.CUDA_EMU);
    }

    @Test
    void anUnavailableProviderGivesItsReason() {
        Backends.register(provider("libradgen_cuda.so was not built"));
        RevtafException e = assertThrows(RevtafException.class, () -> Backends.of(Device.CUDA_EMU));
        assertTrue(e.getMessage().contains("cuda-emu") && e.getMessage().contains("not built"), e.getMessage());
    }

    @Test
    void aRegisteredDeviceBackendGetsDeviceStorageAndHostTransfers() {
        Backends.register(provider(null));
        assertTrue(Backends.isAvailable(Device.CUDA_EMU));
        Tensor h = Tensor.of(Device.CPU, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        FakeDeviceStorage s;
        try (Scope scope = Scope.open()) {
            Tensor d = F.to(h, Device.CUDA_EMU);
            assertInstanceOf(DeviceStorage.class, d.storage());
            assertEquals(Device.CUDA_EMU, d.device());
            assertArrayEquals(h.toDoubles(), d.toDoubles()); // read back through toHost
            assertEquals(6.0, d.get(1, 2));
            Tensor back = F.to(d.transpose(0, 1), Device.REFERENCE);
            assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, back.toDoubles());
            Tensor f = Tensor.full(Device.CUDA_EMU, DType.FLOAT32, 2.5, 3);
            assertArrayEquals(new double[] {2.5, 2.5, 2.5}, f.toDoubles());
            s = (FakeDeviceStorage) d.storage();
        }
        assertTrue(s.isReleased(), "device memory of the step is released with its scope");
    }
}
