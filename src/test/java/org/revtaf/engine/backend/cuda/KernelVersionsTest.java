package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cuda.KernelVersions.Family;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** -Drevtaf.cuda.kernelVersion per kernel family: a number for every family that has it, or family:N lists. */
class KernelVersionsTest {
    @Test
    void unsetIsEveryDefault() {
        for (String spec : new String[] {null, "", " ", "0"})
            for (Family f : Family.values())
                assertEquals(0, KernelVersions.parse(spec).of(f), spec + " " + f);
    }

    @Test
    void aNumberAppliesToTheFamiliesThatHaveIt() {
        KernelVersions v = KernelVersions.parse("3");
        assertEquals(3, v.of(Family.MOBIUS_MATVEC));
        assertEquals(3, v.of(Family.SINKHORN));
        assertEquals(3, v.of(Family.ATTENTION_FWD));
        assertEquals(0, v.of(Family.MOBIUS_ADD), "mobius_add has no version 3: its default");
        assertEquals(0, v.of(Family.GEMM));
        KernelVersions one = KernelVersions.parse("1");
        for (Family f : Family.values()) assertEquals(1, one.of(f), "every family has its simple version 1");
        KernelVersions four = KernelVersions.parse("4");
        assertEquals(4, four.of(Family.ATTENTION_FWD));
        assertEquals(0, four.of(Family.ATTENTION_BWD));
        // the double-buffered tensor-core forwards (kernels/attention/flash_attention_wmma.cu)
        for (int dbuf : new int[] {5, 6}) {
            KernelVersions d = KernelVersions.parse(Integer.toString(dbuf));
            for (Family f : Family.values()) assertEquals(f == Family.ATTENTION_FWD ? dbuf : 0, d.of(f), f.key());
        }
        // the tensor-core backwards (kernels/attention/flash_attention_bwd_wmma.cu): backward only
        for (int tc : new int[] {7, 8}) {
            KernelVersions d = KernelVersions.parse(Integer.toString(tc));
            for (Family f : Family.values()) assertEquals(f == Family.ATTENTION_BWD ? tc : 0, d.of(f), f.key());
        }
        assertEquals(8, KernelVersions.parse("attention_fwd:6,attention_bwd:8").of(Family.ATTENTION_BWD));
    }

    @Test
    void aListSetsThoseFamiliesOnly() {
        KernelVersions v = KernelVersions.parse("attention_fwd:3, mobius_matvec:3,gemm:1");
        assertEquals(3, v.of(Family.ATTENTION_FWD));
        assertEquals(3, v.of(Family.MOBIUS_MATVEC));
        assertEquals(1, v.of(Family.GEMM));
        assertEquals(0, v.of(Family.ATTENTION_BWD));
        assertEquals(0, v.of(Family.MOBIUS_ADD));
    }

    @Test
    void badValuesAreErrorsNamingTheProperty() {
        String[][] cases = {
            {"mobius_add:3", "kernel family mobius_add has no version 3 (versions 1, 2"},
            {"attention_fwd:7", "kernel family attention_fwd has no version 7 (versions 1, 2, 3, 4, 5, 6;"},
            {"attention_bwd:4", "kernel family attention_bwd has no version 4 (versions 1, 2, 3, 7, 8;"},
            {"nosuch:1", "unknown kernel family 'nosuch'"},
            {"9", "no kernel family has version 9"},
            {"fast", "'fast' is not a version number"},
            {"gemm=2", "'gemm=2' is not a version number"},
            {"gemm:2,gemm:1", "kernel family gemm given twice"},
            {"gemm:-1", "version -1 is negative"},
            {"gemm", "'gemm' is not a version number"},
            {"gemm:2,", "'' is not family:version"},
        };
        for (String[] c : cases) {
            RevtafException e = assertThrows(RevtafException.class, () -> KernelVersions.parse(c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("-Drevtaf.cuda.kernelVersion=" + c[0] + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    /** An output tensor in the memory of backend be. */
    private static Tensor on(CudaBackend be, int... shape) {
        return new Tensor(
                be.allocate(DType.FLOAT32, Shapes.numel(shape), false),
                Device.CUDA_EMU,
                DType.FLOAT32,
                shape,
                Shapes.contiguousStrides(shape),
                0);
    }

    /** Version 3 globally used to make mobius_add refuse the call; now it keeps its default. */
    @Test
    void version3EverywhereStillRunsMobiusAdd() {
        String old = System.getProperty(KernelVersions.PROPERTY);
        System.setProperty(KernelVersions.PROPERTY, "3");
        CudaBackend be;
        try {
            be = new CudaBackend(Device.CUDA_EMU, RevtafKernels.forDevice(Device.CUDA_EMU.cliName()));
        } finally {
            if (old == null) System.clearProperty(KernelVersions.PROPERTY);
            else System.setProperty(KernelVersions.PROPERTY, old);
        }
        try (Scope s = Scope.open()) {
            Random r = new Random(1);
            Tensor x = Tensor.uniform(Device.CPU, DType.FLOAT32, r, -0.3, 0.3, 5, 8);
            Tensor y = Tensor.uniform(Device.CPU, DType.FLOAT32, r, -0.3, 0.3, 5, 8);
            Tensor w = Tensor.uniform(Device.CPU, DType.FLOAT32, r, -0.3, 0.3, 6, 8);
            float[][] got = new float[2][];
            float[][] want = new float[2][];
            Tensor out = on(be, 5, 8), mv = on(be, 5, 6);
            be.fused().mobiusAdd(out, x.copyTo(Device.CUDA_EMU), y.copyTo(Device.CUDA_EMU), 8, 5, 8, 1.0);
            be.fused().mobiusMatvec(mv, w.copyTo(Device.CUDA_EMU), x.copyTo(Device.CUDA_EMU), 5, 6, 8, 1.0);
            got[0] = out.toFloats();
            got[1] = mv.toFloats();
            Tensor ho = Tensor.empty(Device.CPU, DType.FLOAT32, 5, 8),
                    hm = Tensor.empty(Device.CPU, DType.FLOAT32, 5, 6);
            Backends.of(Device.CPU, DType.FLOAT32).fused().mobiusAdd(ho, x, y, 8, 5, 8, 1.0);
            Backends.of(Device.CPU, DType.FLOAT32).fused().mobiusMatvec(hm, w, x, 5, 6, 8, 1.0);
            want[0] = ho.toFloats();
            want[1] = hm.toFloats();
            assertArrayEquals(want[0], got[0], 1e-5f, "mobius_add at its default version");
            assertArrayEquals(want[1], got[1], 1e-5f, "mobius_matvec at version 3");
        }
    }
}
