package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Device;

/** The GEMM path switch: cuda-emu runs the own kernel; the vendor path there, or a bad value, is a clear error. */
class CudaMatmulPathTest {
    @Test
    void cudaEmuRunsTheOwnKernelAndRefusesCublas() {
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("auto", Device.CUDA_EMU));
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("own", Device.CUDA_EMU));
        assertEquals(CudaMatmul.Path.OWN, CudaMatmul.choice("OWN", Device.CUDA));
        RevtafException e = assertThrows(RevtafException.class, () -> CudaMatmul.choice("vendor", Device.CUDA_EMU));
        assertTrue(e.getMessage().contains("cuBLAS needs a GPU"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> CudaMatmul.choice("blas", Device.CUDA));
        assertTrue(
                e.getMessage().contains("-Drevtaf.cuda.gemm=blas")
                        && e.getMessage().contains("own"),
                e.getMessage());
    }
}
