package org.revtaf.engine.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.revtaf.engine.bindings.NativeLibrary;

/**
 * The emulator's own tests, through FFM, for both engines (fibers: test/librevtaf_emu_bugs.so;
 * OS threads: ..._threads.so): deliberately buggy kernels (kernels/tests/bugs.cu) must come back as
 * status 5 with the kernel's file:line:column instead of hanging or crashing, and probe kernels
 * (kernels/tests/probes.cu) must compute what CUDA would.
 */
class EmulatorBugsTest {
    private static final Linker LINKER = Linker.nativeLinker();

    /** The test library of one engine. */
    private record Lib(SymbolLookup lookup) {
        MethodHandle fn(String name, MemoryLayout... args) {
            return LINKER.downcallHandle(lookup.find(name).orElseThrow(), FunctionDescriptor.of(JAVA_INT, args));
        }

        String lastError() throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(2048);
                int unused = (int) fn("rt_last_error", ADDRESS, JAVA_LONG).invokeExact(buf, 2048L);
                return buf.getString(0);
            }
        }
    }

    private static Lib lib(String file) {
        Path p = Path.of(System.getProperty(NativeLibrary.DIR_PROPERTY, "target/native"), "test", file);
        return new Lib(NativeLibrary.loadPath(p));
    }

    private static void assertFault(Lib l, String fn, String... fragments) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_FLOAT, 4096);
            int st = (int) l.fn(fn, ADDRESS).invokeExact(out);
            String msg = l.lastError();
            assertEquals(5, st, fn + " status; message: " + msg);
            for (String f : fragments) {
                assertTrue(Pattern.compile(f).matcher(msg).find(), fn + ": message lacks /" + f + "/: " + msg);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"librevtaf_emu_bugs.so", "librevtaf_emu_bugs_threads.so"})
    void buggyKernelsAreReportedWithFileAndLine(String file) throws Throwable {
        Lib l = lib(file);
        assertFault(
                l,
                "rtb_divergent_sync",
                "divergent __syncthreads",
                "bugs\\.cu:13:\\d+ vs .*bugs\\.cu:13:\\d+",
                "rtb_divergent_sync");
        assertFault(l, "rtb_divergent_warp", "warp-divergent warp primitive", "bugs\\.cu:26:\\d+", "bugs\\.cu:28:\\d+");
        assertFault(l, "rtb_partial_mask", "__shfl_xor_sync at bugs\\.cu:39:\\d+", "mask 0000ffff");
        assertFault(
                l,
                "rtb_deadlock",
                "deadlock in block \\(0,0,0\\)",
                "__syncwarp at bugs\\.cu:49",
                "__syncthreads at bugs\\.cu:50");
        try (Arena a = Arena.ofConfined()) {
            int st = (int) l.fn("rtb_bad_config", ADDRESS).invokeExact(a.allocate(JAVA_FLOAT, 64));
            assertEquals(4, st);
            assertTrue(l.lastError().contains("invalid launch configuration"), l.lastError());
            // after every fault the library still works: early return before a barrier is tolerated
            MemorySegment out = a.allocate(JAVA_FLOAT, 64);
            int n = 40;
            assertEquals(0, (int) l.fn("rtb_early_return", ADDRESS, JAVA_INT).invokeExact(out, n));
            for (int i = 0; i < n; i++) {
                assertEquals(n - 1 - i, out.getAtIndex(JAVA_FLOAT, i), 0f, "early_return[" + i + "]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"librevtaf_emu_bugs.so", "librevtaf_emu_bugs_threads.so"})
    void staticPlusDynamicSharedMemoryNeedsTheOptIn(String file) throws Throwable {
        Lib l = lib(file);
        try (Arena a = Arena.ofConfined()) {
            MethodHandle f = l.fn("rtb_smem_limit", ADDRESS, JAVA_INT);
            for (int round = 0; round < 2; round++) { // the second launch knows the static bytes up front
                MemorySegment out = a.allocate(JAVA_FLOAT, 32);
                assertEquals(4, (int) f.invokeExact(out, 0), "128 B static + 48 KB dynamic without opt-in");
                String msg = l.lastError();
                assertTrue(msg.contains("128 B static + 49152 B dynamic shared memory") && msg.contains("48 KB"), msg);
                assertEquals(0f, out.getAtIndex(JAVA_FLOAT, 5), "the refused kernel must not have run");
            }
            MemorySegment out = a.allocate(JAVA_FLOAT, 32);
            assertEquals(0, (int) f.invokeExact(out, 1), "with cudaFuncSetAttribute: " + l.lastError());
            for (int t = 0; t < 32; t++) {
                assertEquals(t + 1f, out.getAtIndex(JAVA_FLOAT, t), "opted-in kernel, thread " + t);
            }
            MemorySegment stale = a.allocate(JAVA_FLOAT, 64);
            assertEquals(0, (int) l.fn("rtb_stale_static_smem", ADDRESS).invokeExact(stale));
            for (int t = 0; t < 64; t++) {
                assertTrue(Float.isNaN(stale.getAtIndex(JAVA_FLOAT, t)), "unwritten static smem must read NaN, " + t);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"librevtaf_emu_bugs.so"})
    void missingBarrierReadsPoisonedSharedMemory(String file) throws Throwable {
        // fiber order is deterministic: thread i reads slot i+1 before thread i+1 has written it
        Lib l = lib(file);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_FLOAT, 64);
            assertEquals(0, (int) l.fn("rtb_missing_sync", ADDRESS, JAVA_INT).invokeExact(out, 64));
            int nan = 0;
            for (int i = 0; i < 64; i++) {
                nan += Float.isNaN(out.getAtIndex(JAVA_FLOAT, i)) ? 1 : 0;
            }
            assertTrue(nan > 0, "a missing __syncthreads must show up as poisoned (NaN) reads");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"librevtaf_emu_bugs.so", "librevtaf_emu_bugs_threads.so"})
    void probeKernelsComputeWhatCudaWould(String file) throws Throwable {
        Lib l = lib(file);
        try (Arena a = Arena.ofConfined()) {
            // block reduction: static smem + shuffles, 7 rows (7 blocks over the workers)
            int rows = 7;
            int n = 1000;
            float[] x = new float[rows * n];
            double[] want = new double[rows];
            for (int i = 0; i < x.length; i++) {
                x[i] = ((i * 37) % 11) - 5;
                want[i / n] += x[i];
            }
            for (int block : new int[] {128, 256}) {
                MemorySegment o = a.allocate(JAVA_FLOAT, rows);
                assertEquals(0, (int) l.fn("rtp_block_sum", ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT)
                        .invokeExact(o, a.allocateFrom(JAVA_FLOAT, x), rows, n, block));
                for (int r = 0; r < rows; r++) {
                    assertEquals(want[r], o.getAtIndex(JAVA_FLOAT, r), 1e-3, "block_sum row " + r + " block " + block);
                }
            }
            // shuffles with width, dynamic smem
            MemorySegment io = a.allocate(JAVA_INT, 320);
            assertEquals(0, (int) l.fn("rtp_shuffles", ADDRESS).invokeExact(io));
            int[] got = io.toArray(JAVA_INT);
            for (int t = 0; t < 64; t++) {
                int lane = t % 32;
                assertEquals(10 * ((t & ~7) + 5), got[t], "shfl idx width 8, thread " + t);
                assertEquals((lane % 16) < 3 ? 10 * t : 10 * (t - 3), got[64 + t], "shfl up 3 width 16, thread " + t);
                assertEquals(lane + 2 >= 32 ? 10 * t : 10 * (t + 2), got[128 + t], "shfl down 2, thread " + t);
                assertEquals(10 * (t ^ 7), got[192 + t], "shfl xor 7, thread " + t);
                assertEquals(10 * (63 - t), got[256 + t], "dynamic smem, thread " + t);
            }
            // votes
            float[] xv = new float[64];
            for (int t = 0; t < 64; t++) {
                xv[t] = t % 3 == 0 ? 1 : -1;
            }
            MemorySegment vo = a.allocate(JAVA_INT, 256);
            assertEquals(0, (int) l.fn("rtp_votes", ADDRESS, ADDRESS).invokeExact(vo, a.allocateFrom(JAVA_FLOAT, xv)));
            int[] votes = vo.toArray(JAVA_INT);
            for (int t = 0; t < 64; t++) {
                int base = t & ~31;
                int ballot = 0;
                for (int lane = 0; lane < 32; lane++) {
                    ballot |= xv[base + lane] > 0 ? 1 << lane : 0;
                }
                assertEquals(ballot, votes[t], "ballot, thread " + t);
                assertEquals(1, votes[64 + t], "any, thread " + t);
                assertEquals(0, votes[128 + t], "all, thread " + t);
                assertEquals(1, votes[192 + t], "own bit of __activemask, thread " + t);
            }
            // atomics across 11 blocks
            int na = 1000;
            float[] xa = new float[na];
            double sum = 0;
            for (int i = 0; i < na; i++) {
                xa[i] = ((i * 7919) % 1000) / 10f;
                sum += xa[i];
            }
            MemorySegment fs = a.allocateFrom(JAVA_FLOAT, 0f);
            MemorySegment im = a.allocateFrom(JAVA_INT, -100);
            MemorySegment fm = a.allocateFrom(JAVA_FLOAT, -100f);
            MemorySegment cnt = a.allocateFrom(JAVA_INT, 0);
            assertEquals(0, (int) l.fn("rtp_atomics", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT)
                    .invokeExact(fs, im, fm, cnt, a.allocateFrom(JAVA_FLOAT, xa), na));
            assertEquals(sum, fs.get(JAVA_FLOAT, 0), 1e-2);
            assertEquals(99, im.get(JAVA_INT, 0));
            assertEquals(99.9f, fm.get(JAVA_FLOAT, 0));
            assertEquals(na, cnt.get(JAVA_INT, 0));
            // 3-D grid of 3-D blocks
            MemorySegment ix = a.allocate(JAVA_INT, 288);
            assertEquals(0, (int) l.fn("rtp_indices", ADDRESS).invokeExact(ix));
            int[] want3 = new int[288];
            for (int bz = 0; bz < 2; bz++) {
                for (int by = 0; by < 2; by++) {
                    for (int bx = 0; bx < 3; bx++) {
                        for (int tz = 0; tz < 3; tz++) {
                            for (int ty = 0; ty < 2; ty++) {
                                for (int tx = 0; tx < 4; tx++) {
                                    int blk = bx + 3 * (by + 2 * bz);
                                    int thr = tx + 4 * (ty + 2 * tz);
                                    want3[blk * 24 + thr] =
                                            bx * 100000 + by * 10000 + bz * 1000 + tx * 100 + ty * 10 + tz;
                                }
                            }
                        }
                    }
                }
            }
            assertArrayEquals(want3, ix.toArray(JAVA_INT));
        }
    }
}
