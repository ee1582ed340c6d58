package org.revtaf.kernels;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.revtaf.RevtafException;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;

/**
 * Short throughput run of every kernel family and version (forward and backward) on one device,
 * printing ms per launch, GB/s and GFLOP/s against the device's peak (from rt_device_info). Each
 * launch is wrapped in an NVTX range named after the kernel, so Nsight Systems shows names. Used by
 * benchmarks/gpu-check.sh:
 *
 * <pre>
 * ./mvnw -o -q test-compile exec:exec -Dexec.scope=test -Drun.main=org.revtaf.kernels.KernelBenchmark -Dapp.args=cuda
 * </pre>
 *
 * <p>Args: device ({@code cuda} or {@code cuda-emu}), optional {@code --quick} (tiny shapes, one
 * repetition; what an emulated run uses). Emulated timings are NOT performance claims: the
 * emulator runs CUDA threads as fibers on the CPU.
 */
public final class KernelBenchmark {
    private static final MemorySegment S = MemorySegment.NULL;

    private record Case(String name, Runnable launch, double flops, double bytes) {}

    private final RevtafKernels k;
    private final Random rnd = new Random(1);
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    private KernelBenchmark(RevtafKernels k) {
        this.k = k;
    }

    private MemorySegment buf(long n, double scale) {
        float[] h = new float[(int) n];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) (scale * (rnd.nextDouble() - 0.5));
        }
        DeviceBuffer b = DeviceBuffer.of(k, h);
        buffers.add(b);
        return b.ptr();
    }

    private MemorySegment pos(long n) { // values in [0, 1)
        float[] h = new float[(int) n];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) rnd.nextDouble();
        }
        DeviceBuffer b = DeviceBuffer.of(k, h);
        buffers.add(b);
        return b.ptr();
    }

    private List<Case> cases(boolean quick) {
        List<Case> cs = new ArrayList<>();
        int n = quick ? 64 : 16384;
        int d = quick ? 64 : 512;
        MemorySegment x = buf((long) n * d, 0.05);
        MemorySegment y = buf((long) n * d, 0.05);
        MemorySegment g = buf((long) n * d, 1.0);
        MemorySegment o1 = buf((long) n * d, 0);
        MemorySegment o2 = buf((long) n * d, 0);
        for (int v = 1; v <= 2; v++) {
            int ver = v;
            cs.add(new Case(
                    "mobius_add_fwd v" + v,
                    () -> k.mobiusAddFwd(S, o1, x, y, d, n, d, 1f, ver),
                    12.0 * n * d,
                    12.0 * n * d));
            cs.add(new Case(
                    "mobius_add_bwd v" + v,
                    () -> k.mobiusAddBwd(S, o1, o2, g, x, y, d, n, d, 1f, ver),
                    22.0 * n * d,
                    20.0 * n * d));
            cs.add(new Case(
                    "expmap0_fwd v" + v, () -> k.poincareMapFwd(S, o1, x, n, d, 1f, 0, ver), 3.0 * n * d, 8.0 * n * d));
            cs.add(new Case(
                    "expmap0_bwd v" + v,
                    () -> k.poincareMapBwd(S, o1, g, x, n, d, 1f, 0, ver),
                    6.0 * n * d,
                    12.0 * n * d));
        }
        int mv = quick ? 32 : 512;
        int mn = quick ? 32 : 2048;
        MemorySegment w = buf((long) mv * d, 0.05);
        MemorySegment mo = buf((long) mn * mv, 0);
        MemorySegment mg = buf((long) mn * mv, 1);
        for (int v = 1; v <= 2; v++) {
            int ver = v;
            cs.add(new Case(
                    "mobius_matvec_fwd v" + v,
                    () -> k.mobiusMatvecFwd(S, mo, w, x, mn, mv, d, 1f, ver),
                    2.0 * mn * mv * d,
                    4.0 * (mv * d + (double) mn * d + (double) mn * mv)));
            cs.add(new Case(
                    "mobius_matvec_bwd v" + v,
                    () -> k.mobiusMatvecBwd(S, o2, o1, mg, w, x, mn, mv, d, 1f, ver),
                    8.0 * mn * mv * d,
                    4.0 * (2 * mv * d + 2.0 * mn * d + (double) mn * mv)));
        }
        int dn = quick ? 32 : 1024;
        int dm = quick ? 48 : 8192;
        MemorySegment dd = buf((long) dn * dm, 0);
        MemorySegment dg = buf((long) dn * dm, 1);
        for (int v = 1; v <= 2; v++) {
            int ver = v;
            cs.add(new Case(
                    "poincare_dist_fwd v" + v,
                    () -> k.poincareDistFwd(S, dd, x, y, dn, dm, d, 1f, ver),
                    6.0 * dn * dm * d,
                    4.0 * ((double) dn * d + (double) dm * d + (double) dn * dm)));
            cs.add(new Case(
                    "poincare_dist_bwd v" + v,
                    () -> k.poincareDistBwd(S, o1, o2, dg, x, y, dn, dm, d, 1f, ver),
                    16.0 * dn * dm * d,
                    4.0 * (2.0 * dn * d + 2.0 * dm * d + 2.0 * dn * dm)));
        }
        int sb = quick ? 2 : 64;
        int sp = 49;
        int st = quick ? 16 : 64;
        int iters = quick ? 5 : 50;
        MemorySegment cost = pos((long) sb * sp * st);
        MemorySegment plan = buf((long) sb * sp * st, 0);
        MemorySegment gplan = buf((long) sb * sp * st, 1);
        MemorySegment uh = buf((long) (iters + 1) * sb * sp, 0);
        MemorySegment vh = buf((long) (iters + 1) * sb * st, 0);
        MemorySegment it = buf(1, 0);
        MemorySegment dcost = buf((long) sb * sp * st, 0);
        double skBytes = 4.0 * 2 * iters * sb * sp * st; // two passes over the cost per iteration
        for (int v = 1; v <= 2; v++) {
            int ver = v;
            cs.add(new Case(
                    "sinkhorn_fwd v" + v + " (" + iters + " it)",
                    () -> k.sinkhornFwd(S, plan, it, uh, vh, cost, S, S, sb, sp, st, 0.05f, iters, 0f, ver),
                    8.0 * iters * sb * sp * st,
                    skBytes));
            cs.add(new Case(
                    "sinkhorn_bwd v" + v + " (" + iters + " it)",
                    () -> k.sinkhornBwd(S, dcost, gplan, plan, uh, vh, it, cost, S, S, sb, sp, st, 0.05f, iters, ver),
                    12.0 * iters * sb * sp * st,
                    skBytes));
        }
        int ib = quick ? 2 : 16;
        int in = quick ? 8 : 75;
        int im = quick ? 8 : 64;
        int ip = quick ? 49 : 3136;
        MemorySegment ia = pos((long) ib * in * ip);
        MemorySegment ig = pos((long) ib * im * ip);
        MemorySegment iou = buf((long) ib * in * im, 0);
        MemorySegment giou = buf((long) ib * in * im, 1);
        MemorySegment ida = buf((long) ib * in * ip, 0);
        MemorySegment idg = buf((long) ib * im * ip, 0);
        for (int v = 1; v <= 2; v++) {
            int ver = v;
            cs.add(new Case(
                    "soft_iou_fwd v" + v,
                    () -> k.softIouFwd(S, iou, ia, ig, ib, in, im, ip, ver),
                    4.0 * ib * in * im * ip,
                    4.0 * ((double) ib * in * ip + (double) ib * im * ip)));
            cs.add(new Case(
                    "soft_iou_bwd v" + v,
                    () -> k.softIouBwd(S, ida, idg, giou, ia, ig, ib, in, im, ip, ver),
                    8.0 * ib * in * im * ip,
                    8.0 * ((double) ib * in * ip + (double) ib * im * ip)));
        }
        int ab = quick ? 1 : 4;
        int ah = quick ? 2 : 8;
        int an = quick ? 64 : 1024;
        for (int hd : new int[] {32, 64, 128}) {
            MemorySegment q = buf((long) ab * ah * an * hd, 1);
            MemorySegment kk = buf((long) ab * ah * an * hd, 1);
            MemorySegment vv = buf((long) ab * ah * an * hd, 1);
            MemorySegment out = buf((long) ab * ah * an * hd, 0);
            MemorySegment lse = buf((long) ab * ah * an, 0);
            MemorySegment gout = buf((long) ab * ah * an * hd, 1);
            MemorySegment gq = buf((long) ab * ah * an * hd, 0);
            MemorySegment gk = buf((long) ab * ah * an * hd, 0);
            MemorySegment gv = buf((long) ab * ah * an * hd, 0);
            float scale = (float) (1 / Math.sqrt(hd));
            double fl = 4.0 * ab * ah * an * (double) an * hd;
            double by = 4.0 * 4 * ab * ah * an * hd;
            for (int v = 1; v <= 2; v++) {
                int ver = v;
                cs.add(new Case(
                        "attention_fwd d" + hd + " v" + v,
                        () -> k.attentionFwd(S, out, lse, q, kk, vv, S, ab, ah, an, an, hd, scale, 0, ver),
                        fl,
                        by));
                cs.add(new Case(
                        "attention_bwd d" + hd + " v" + v,
                        () -> k.attentionBwd(
                                S, gq, gk, gv, gout, out, lse, q, kk, vv, S, ab, ah, an, an, hd, scale, 0, ver),
                        2.5 * fl,
                        2 * by));
            }
        }
        return cs;
    }

    private void run(boolean quick) {
        RevtafKernels.DeviceInfo info = k.deviceInfo();
        boolean emu = k.isEmulated();
        System.out.printf(
                "device %s: %s, %d SMs, peak %.0f GB/s, %.0f GFLOP/s fp32%n",
                k.device(), info.name(), info.sms(), info.memGbps(), info.fp32Gflops());
        if (emu) {
            System.out.println("EMULATED: these timings are NOT performance claims (CUDA threads run as CPU fibers)");
        }
        MemorySegment e0 = k.eventCreate();
        MemorySegment e1 = k.eventCreate();
        int reps = quick ? 1 : 10;
        System.out.printf("%-32s %10s %10s %7s %10s %7s%n", "kernel", "ms", "GB/s", "%peak", "GFLOP/s", "%peak");
        for (Case c : cases(quick)) {
            k.nvtxPush(c.name() + " warmup");
            c.launch().run();
            k.nvtxPop();
            k.synchronize();
            k.eventRecord(e0, S);
            for (int r = 0; r < reps; r++) {
                k.nvtxPush(c.name());
                c.launch().run();
                k.nvtxPop();
            }
            k.eventRecord(e1, S);
            double ms = k.eventElapsedMs(e0, e1) / reps;
            double gbs = c.bytes() / (ms * 1e6);
            double gfl = c.flops() / (ms * 1e6);
            System.out.printf(
                    "%-32s %10.4f %10.1f %7s %10.1f %7s%n",
                    c.name(), ms, gbs, pct(gbs, info.memGbps()), gfl, pct(gfl, info.fp32Gflops()));
        }
        k.eventDestroy(e0);
        k.eventDestroy(e1);
        buffers.forEach(DeviceBuffer::close);
        if (emu) {
            System.out.println("EMULATED: timings above are NOT performance claims");
        }
    }

    private static String pct(double v, double peak) {
        return peak > 0 ? String.format("%.1f%%", 100 * v / peak) : "n/a";
    }

    public static void main(String[] args) {
        String device = args.length > 0 ? args[0] : "cuda";
        boolean quick = List.of(args).contains("--quick");
        try {
            new KernelBenchmark(RevtafKernels.forDevice(device)).run(quick);
        } catch (RevtafException e) {
            System.out.println("benchmark not run: " + e.getMessage());
            System.exit(2);
        }
    }
}
