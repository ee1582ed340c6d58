package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.edges.cli.CliRun;
import org.revtaf.edges.cli.KernelInputs;
import org.revtaf.edges.io.Npy;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.DeviceStorage;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;

/**
 * The cuda backend on device cuda-emu: every REVTAF fused op through {@code revtaf kernel NAME
 * --device cuda-emu} (op layer, autograd, forward and backward) agrees with {@code --device cpu};
 * other ops run on the device kernels too; {@code cuda} without a GPU is unavailable with the
 * bindings' reason.
 */
class CudaBackendTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
        Backends.register(new CudaBackendProvider.Cuda());
    }

    @AfterAll
    static void unregister() {
        Backends.unregister(Device.CUDA_EMU);
        Backends.unregister(Device.CUDA);
    }

    /** Small inputs at 0.15, masks 0 at entry 1 of every 4. */
    private static final KernelInputs INPUTS = new KernelInputs(0.15, 4, 1);

    /** op -> inputs (NAME=SHAPE normal, NAME=sSHAPE small, NAME=+SHAPE positive, NAME=mSHAPE 0/1 mask) and params. */
    private static final Map<String, String> CASES = new LinkedHashMap<>();

    static {
        CASES.put("mobius-add", "x=s5x40 y=s5x40 --param c=0.5");
        CASES.put("poincare-dist", "x=s6x33 y=s7x33 --param c=0.5");
        CASES.put("expmap0", "x=3x40 --param c=0.5");
        CASES.put("logmap0", "x=s3x40 --param c=0.5");
        CASES.put("proj", "x=3x40 --param c=0.5");
        CASES.put("mobius-matvec", "w=5x40 x=s3x40 --param c=0.5");
        CASES.put("sinkhorn", "cost=+2x9x5 --param eps=0.1 --param iters=30 --param tol=0");
        CASES.put("soft-iou", "a=+2x3x37 b=+2x4x37");
        CASES.put("attention", "q=1x2x19x32 k=1x2x23x32 v=1x2x23x32 key_mask=m1x23 --param causal=true");
    }

    @Test
    void everyFusedOpOnCudaEmuMatchesCpuForwardAndBackward() throws Exception {
        for (var c : CASES.entrySet()) {
            assertCudaEmuMatchesCpu(c.getKey(), c.getKey(), c.getValue());
        }
    }

    /**
     * Attention with head dims the CUDA kernels are not built for (4, 17) still runs on cuda-emu,
     * forward and backward, unfused on the device, and matches cpu; a supported one (64) stays on
     * the kernels.
     */
    @Test
    void attentionWithAnyHeadDimMatchesCpuAndOnlyUnsupportedOnesLeaveTheKernels() throws Exception {
        CudaFused fused = (CudaFused) Backends.of(Device.CUDA_EMU).fused();
        for (int d : new int[] {4, 17, 64}) {
            long before = fused.attentionUnfused.get();
            String spec =
                    "q=1x2x7x" + d + " k=1x2x5x" + d + " v=1x2x5x" + d + " key_mask=m1x5 --param causal=" + (d != 17);
            assertCudaEmuMatchesCpu("attention", "attention-d" + d, spec);
            long unfused = fused.attentionUnfused.get() - before;
            // the forward, and the backward of the --grad-out run
            assertEquals(d == 64 ? 0 : 2, unfused, "head dim " + d + ": attention calls on the unfused path");
        }
    }

    /** Runs {@code revtaf kernel OP} on cpu and cuda-emu with --grad-out and compares every file written. */
    private void assertCudaEmuMatchesCpu(String op, String tag, String spec) throws Exception {
        List<String> base = INPUTS.prepare(dir, op, spec, new Random(tag.hashCode()));
        // upstream gradient shaped like the op's output (found by a cpu forward run)
        Path probe = dir.resolve(tag + "-probe");
        List<String> fwd = new ArrayList<>(base);
        fwd.addAll(List.of("--device", "cpu", "--out", probe.toString()));
        CliRun r0 = CliRun.run(fwd.toArray(String[]::new));
        assertEquals(0, r0.status(), op + " forward on cpu: " + r0.err());
        try (var files = Files.list(probe)) {
            Path y =
                    files.filter(p -> p.toString().endsWith(".npy")).findFirst().orElseThrow();
            NdArray ya = Npy.read(y);
            float[] g = new float[(int) ya.numel()];
            for (int k = 0; k < g.length; k++) {
                g[k] = (float) Math.sin(k + 1.0);
            }
            Path gradFile = dir.resolve(tag + "_g.npy");
            Npy.write(gradFile, NdArray.ofFloats(ya.shape(), g));
            base.addAll(List.of("--grad-out", y.getFileName().toString().replace(".npy", "") + "=" + gradFile));
        }
        Map<String, Path> outs = new LinkedHashMap<>();
        for (String dev : List.of("cpu", "cuda-emu")) {
            Path o = dir.resolve(tag + "-" + dev);
            List<String> args = new ArrayList<>(base);
            args.addAll(List.of("--device", dev, "--out", o.toString()));
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, r.status(), op + " forward and backward on " + dev + ": " + r.err());
            outs.put(dev, o);
        }
        try (var files = Files.list(outs.get("cpu"))) {
            for (Path f : files.toList()) {
                Path other = outs.get("cuda-emu").resolve(f.getFileName());
                assertTrue(Files.exists(other), op + ": cuda-emu did not write " + f.getFileName());
                double[] want = Npy.read(f).toDoubles();
                double[] got = Npy.read(other).toDoubles();
                double scale = 0;
                for (double w : want) {
                    scale = Double.isFinite(w) ? Math.max(scale, Math.abs(w)) : scale;
                }
                for (int i = 0; i < want.length; i++) {
                    if (Double.isInfinite(want[i]) && got[i] == want[i]) {
                        continue;
                    }
                    double tol = 1e-5 * Math.max(1, scale) + 1e-3 * Math.abs(want[i]);
                    assertTrue(
                            Math.abs(got[i] - want[i]) <= tol,
                            op + " " + f.getFileName() + "[" + i + "]: cuda-emu " + got[i] + " cpu " + want[i]);
                }
            }
        }
    }

    /** Attention with dropout on the probabilities: the same counter-based mask as cpu, forward and backward. */
    @Test
    void attentionWithDropoutMatchesCpuForwardAndBackward() {
        Random r = new Random(9);
        int b = 2, h = 2, n = 5, s = 7, d = 16;
        Tensor q = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, r, 1, b, h, n, d);
        Tensor k = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, r, 1, b, h, s, d);
        Tensor v = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, r, 1, b, h, s, d);
        Tensor g = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, r, 1, b, h, n, d);
        Map<Device, List<Tensor>> res = new LinkedHashMap<>();
        for (Device dev : List.of(Device.CPU, Device.CUDA_EMU)) {
            Tensor qd = q.copyTo(dev).requiresGrad(true), kd = k.copyTo(dev).requiresGrad(true);
            Tensor vd = v.copyTo(dev).requiresGrad(true);
            Tensor out = F.attention(qd, kd, vd, null, 0.25, true, 0.3, 42);
            out.backward(g.copyTo(dev));
            res.put(dev, List.of(out, qd.grad(), kd.grad(), vd.grad()));
        }
        String[] names = {"out", "dq", "dk", "dv"};
        for (int i = 0; i < names.length; i++)
            org.revtaf.engine.tensor.TensorAssert.assertClose(
                    "attention dropout " + names[i],
                    res.get(Device.CUDA_EMU).get(i),
                    res.get(Device.CPU).get(i),
                    1e-5,
                    1e-3);
    }

    @Test
    void tensorsLiveInDeviceMemoryAndOpsRunOnTheDevice() {
        Tensor h = Tensor.of(Device.CPU, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor d = h.copyTo(Device.CUDA_EMU);
        assertInstanceOf(DeviceStorage.class, d.storage());
        assertInstanceOf(CudaBackend.class, Backends.of(Device.CUDA_EMU));
        Tensor sum = F.add(d, d);
        assertInstanceOf(DeviceStorage.class, sum.storage());
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, sum.toDoubles());
        long fallbacks = CudaBackend.hostFallbackCount();
        Tensor t = F.add(d.transpose(0, 1), d.transpose(0, 1)); // strided views: the kernel reads their strides
        assertArrayEquals(new double[] {2, 8, 4, 10, 6, 12}, t.toDoubles());
        assertEquals(fallbacks, CudaBackend.hostFallbackCount(), "host fallbacks");
    }

    @Test
    void cudaWithoutAGpuIsUnavailableWithTheReason() {
        assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "a GPU is present");
        RevtafException e = assertThrows(RevtafException.class, () -> Backends.of(Device.CUDA));
        assertTrue(
                e.getMessage().contains("no usable NVIDIA GPU")
                        || e.getMessage().contains("not built"),
                e.getMessage());
    }

    private static Tensor randn(Random r, int... shape) {
        return Tensor.randn(Device.CPU, DType.FLOAT64, r, 1, shape);
    }

    /**
     * The counted host path with argument records: float64 norms on cuda-emu have no device kernel,
     * so their LayerNormArgs/BatchNormArgs go to the host with every tensor inside staged, and the
     * outputs, running statistics (updated in place) and gradients come back equal to the cpu
     * device's.
     */
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
