package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.tensor.Device;

/**
 * The vendor-or-own switches: GEMM ({@code revtaf.cuda.gemm}), the cuDNN families and the math
 * mode. cuda-emu runs our kernels; a vendor path there, an impossible combination or a bad value is
 * a clear error naming the property.
 */
class CudaMatmulPathTest {
    private static final VendorChoice.Math FP32 = VendorChoice.Math.FP32, BF16 = VendorChoice.Math.BF16;

    @Test
    void cudaEmuRunsTheOwnKernelAndRefusesTheVendorPaths() {
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("auto", Device.CUDA_EMU, FP32));
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("auto", Device.CUDA_EMU, BF16));
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("own", Device.CUDA_EMU, FP32));
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("OWN", Device.CUDA, FP32));
        RevtafException e =
                assertThrows(RevtafException.class, () -> CudaMatmul.choice("vendor", Device.CUDA_EMU, FP32));
        assertTrue(e.getMessage().contains("-Drevtaf.cuda.gemm=vendor: cuBLAS needs a GPU"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> CudaMatmul.choice("cublaslt", Device.CUDA_EMU, FP32));
        assertTrue(e.getMessage().contains("cuBLASLt needs a GPU"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> CudaMatmul.choice("blas", Device.CUDA, FP32));
        assertTrue(
                e.getMessage().contains("-Drevtaf.cuda.gemm=blas")
                        && e.getMessage().contains("cublaslt")
                        && e.getMessage().contains("own"),
                e.getMessage());
    }

    @Test
    void bf16OperandsTakeCublasLt() {
        assertEquals(CudaMatmul.Path.CUBLAS, CudaMatmul.choice("vendor", Device.CUDA, FP32));
        assertEquals(CudaMatmul.Path.CUBLAS_LT, CudaMatmul.choice("vendor", Device.CUDA, BF16));
        assertEquals(CudaMatmul.Path.CUBLAS_LT, CudaMatmul.choice("cublaslt", Device.CUDA, FP32));
        RevtafException e = assertThrows(RevtafException.class, () -> CudaMatmul.choice("cublas", Device.CUDA, BF16));
        assertTrue(e.getMessage().contains("through cuBLASLt"), e.getMessage());
    }

    @Test
    void cudnnFamiliesFollowTheirPropertyAndTheLibrary() {
        assertEquals(
                VendorChoice.Impl.OWN, VendorChoice.of("revtaf.cuda.conv", "auto", "cuDNN", Device.CUDA, () -> false));
        assertEquals(
                VendorChoice.Impl.VENDOR,
                VendorChoice.of("revtaf.cuda.conv", "auto", "cuDNN", Device.CUDA, () -> true));
        // the emulator never asks for the library, even when it would load
        assertEquals(
                VendorChoice.Impl.OWN, VendorChoice.of("revtaf.cuda.norm", "auto", "cuDNN", Device.CUDA_EMU, () -> {
                    throw new AssertionError("asked");
                }));
        assertEquals(
                VendorChoice.Impl.VENDOR,
                VendorChoice.of("revtaf.cuda.pool", " Vendor ", "cuDNN", Device.CUDA, () -> false));
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> VendorChoice.of("revtaf.cuda.pool", "vendor", "cuDNN", Device.CUDA_EMU, () -> true));
        assertEquals(
                "-Drevtaf.cuda.pool=vendor: cuDNN needs a GPU; cuda-emu runs our own kernels only", e.getMessage());
        e = assertThrows(
                RevtafException.class,
                () -> VendorChoice.of("revtaf.cuda.conv", "cudnn", "cuDNN", Device.CUDA, () -> true));
        assertEquals("-Drevtaf.cuda.conv=cudnn: expected auto, vendor (cuDNN) or own (our kernel)", e.getMessage());
    }

    @Test
    void theEmulatedBackendReportsOurKernelsForEveryVendorFamily() {
        Backends.register(new CudaBackendProvider.CudaEmu());
        try {
            CudaBackend b = (CudaBackend) Backends.of(Device.CUDA_EMU);
            assertEquals(
                    Map.of("gemm", "own", "conv", "own", "pool", "own", "norm", "own", "math", "fp32"),
                    b.vendorPaths());
        } finally {
            Backends.unregister(Device.CUDA_EMU);
        }
    }

    @Test
    void mathModeParsesAndKeepsTheOlderTf32Switch() {
        assertEquals(VendorChoice.Math.TF32, VendorChoice.Math.parse(" TF32"));
        assertEquals(BF16, VendorChoice.Math.parse("bf16"));
        RevtafException e = assertThrows(RevtafException.class, () -> VendorChoice.Math.parse("fp16"));
        assertTrue(e.getMessage().startsWith("-Drevtaf.cuda.math=fp16: expected fp32, tf32"), e.getMessage());
        String math = System.getProperty("revtaf.cuda.math"), tf32 = System.getProperty("revtaf.cuda.tf32");
        try {
            System.clearProperty("revtaf.cuda.math");
            System.setProperty("revtaf.cuda.tf32", "true");
            assertEquals(VendorChoice.Math.TF32, VendorChoice.Math.fromSystem());
            System.setProperty("revtaf.cuda.math", "fp32"); // the new property wins
            assertEquals(FP32, VendorChoice.Math.fromSystem());
        } finally {
            restore("revtaf.cuda.math", math);
            restore("revtaf.cuda.tf32", tf32);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
