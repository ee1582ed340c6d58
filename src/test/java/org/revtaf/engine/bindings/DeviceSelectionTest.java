package org.revtaf.engine.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;

/**
 * Device selection and error surfaces of the bindings: cuda-emu loads the emulated library; cuda on a
 * machine without a GPU is a clear message (never a crash); native statuses become KernelExceptions
 * with rt_last_error (op, file, line); missing vendor libraries name what was tried.
 */
class DeviceSelectionTest {
    private static boolean gpuPresent() {
        return Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/nvidia0"));
    }

    @Test
    void cudaEmuLoadsTheEmulatedLibraryAndRoundTripsMemory() {
        RevtafKernels k = RevtafKernels.forDevice("cuda-emu");
        assertTrue(k.isEmulated());
        assertEquals(1, k.deviceCount());
        assertTrue(k.library().getFileName().toString().equals("librevtaf_emu.so"));
        assertTrue(
                k.deviceInfo().name().contains("not GPU performance"),
                k.deviceInfo().name());
        float[] x = {1, 2, 3, 4, 5};
        try (DeviceBuffer dx = DeviceBuffer.of(k, x);
                DeviceBuffer dy = DeviceBuffer.of(k, new float[] {10, 20, 30, 40, 50})) {
            k.saxpy(MemorySegment.NULL, dy.ptr(), dx.ptr(), 2f, 5);
            assertArrayEquals(new float[] {12, 24, 36, 48, 60}, dy.toFloats());
            MemorySegment s = k.streamCreate();
            MemorySegment e0 = k.eventCreate();
            MemorySegment e1 = k.eventCreate();
            k.eventRecord(e0, s);
            k.nvtxPush("saxpy");
            k.saxpy(s, dy.ptr(), dx.ptr(), -2f, 5);
            k.nvtxPop();
            k.eventRecord(e1, s);
            k.streamSynchronize(s);
            assertTrue(k.eventElapsedMs(e0, e1) >= 0f);
            k.eventDestroy(e0);
            k.eventDestroy(e1);
            k.streamDestroy(s);
            assertArrayEquals(new float[] {10, 20, 30, 40, 50}, dy.toFloats());
        }
    }

    @Test
    void badArgumentsBecomeKernelExceptionsWithOpFileAndLine() {
        RevtafKernels k = RevtafKernels.forDevice("cuda-emu");
        MemorySegment nil = MemorySegment.NULL;
        KernelException e =
                assertThrows(KernelException.class, () -> k.mobiusAddFwd(nil, nil, nil, nil, 3, 4, 3, -1f, 0));
        assertEquals(KernelException.INVALID_ARGUMENT, e.status());
        assertTrue(
                e.getMessage().matches("invalid argument: rt_mobius_add_fwd: .*c must be > 0 at mobius\\.cu:\\d+"),
                e.getMessage());
        KernelException d = assertThrows(
                KernelException.class,
                () -> k.attentionFwd(nil, nil, nil, nil, nil, nil, nil, 1, 1, 4, 4, 48, 0.1f, 0, 0));
        assertTrue(d.getMessage().contains("head dim d must be 32, 64 or 128"), d.getMessage());
        assertThrows(RevtafException.class, () -> RevtafKernels.forDevice("tpu"));
    }

    @Test
    void cudaWithoutGpuIsAClearErrorNotACrash() {
        assumeFalse(gpuPresent(), "a GPU is present: the cuda-tagged tests cover this machine");
        assumeTrue(NativeLibrary.locate("librevtaf_cuda.so") != null, "nvcc build not present");
        RevtafException e = assertThrows(RevtafException.class, () -> RevtafKernels.forDevice("cuda"));
        assertTrue(e.getMessage().startsWith("device cuda: no usable NVIDIA GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("--device cuda-emu"), e.getMessage());
        // the CUDA library itself loaded and answered: it is the nvcc build, not the emulator
        RevtafKernels raw = RevtafKernels.load("cuda", NativeLibrary.locate("librevtaf_cuda.so"));
        assertFalse(raw.isEmulated());
        KernelException k = assertThrows(KernelException.class, raw::deviceCount);
        assertEquals(KernelException.NO_DEVICE, k.status());
    }

    @Test
    void missingVendorLibrariesNameWhatWasTried() {
        assumeFalse(VendorLibraries.available(VendorLibraries.Vendor.CUBLAS), "cuBLAS is installed here");
        RevtafException e = assertThrows(RevtafException.class, VendorLibraries.Cublas::get);
        assertTrue(
                e.getMessage().contains("libcublas.so.13") && e.getMessage().contains("libcublas.so.12"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith("cuBLAS is required by this operation"), e.getMessage());
    }

    @Test
    void cudnnMissingIsReportedOnlyWhenUsed() {
        assumeFalse(VendorLibraries.available(VendorLibraries.Vendor.CUDNN), "cuDNN is installed here");
        RevtafException e = assertThrows(RevtafException.class, VendorLibraries::cudnnVersion);
        assertTrue(e.getMessage().contains("libcudnn.so.9"), e.getMessage());
    }
}
