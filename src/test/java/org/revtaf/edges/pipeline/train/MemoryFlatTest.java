package org.revtaf.edges.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cuda.CudaBackend;
import org.revtaf.engine.backend.cuda.CudaBackendProvider;
import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.Device;

/**
 * Issue 20, memory: heap (live after a full GC), off-heap (direct and mapped NIO buffers) and the
 * tensor pool stay flat over many REVTAF training steps of the micro config on cpu. Samples every
 * {@link #EVERY} steps after a warm-up; the lowest sample of the second half may not exceed the
 * lowest of the first half by more than {@link #SLACK}, so a leak of more than SLACK / (steps / 2)
 * per step (about 20 KiB at 200 steps) fails. CI runs {@code revtaf.memory.steps} = 200; the
 * 1,000-step check is {@code ./mvnw -B -o test -Dtest=MemoryFlatTest -Drevtaf.memory.steps=1000}
 * (figures in docs/reliability.md). On cuda-emu the device memory held by live tensors (the caching
 * allocator's count) is sampled too, over {@code revtaf.memory.emuSteps} steps (default 40: the
 * emulator is slow).
 */
class MemoryFlatTest {
    static final int EVERY = 10;
    static final long SLACK = 2L << 20; // 2 MiB: GC and class-metadata noise

    @Test
    void cpuMemoryIsFlatOverTrainingSteps() {
        check(Device.CPU, Integer.getInteger("revtaf.memory.steps", 200));
    }

    @Test
    void cudaEmuDeviceMemoryIsFlatOverTrainingSteps() {
        Backends.register(new CudaBackendProvider.CudaEmu());
        check(Device.CUDA_EMU, Integer.getInteger("revtaf.memory.emuSteps", 40));
    }

    /** What is sampled: name and reading. */
    record Gauge(String name, java.util.function.LongSupplier read) {}

    static void check(Device device, int steps) {
        MicroSteps m = new MicroSteps(StageFixtures.microTrainConfig(), 4, device);
        List<Gauge> gauges = new ArrayList<>(List.of(
                new Gauge("heap (live after GC)", MemoryFlatTest::liveHeap),
                new Gauge("direct buffers", () -> buffers("direct")),
                new Gauge("mapped buffers", () -> buffers("mapped")),
                new Gauge("tensor pool", Allocator::pooledBytes)));
        if (Backends.of(device) instanceof CudaBackend cuda)
            gauges.add(new Gauge("device memory of live tensors", cuda::currentBytes));
        int warmup = 2 * EVERY;
        List<long[]> samples = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
            m.run(i);
            if (i >= warmup && (i - warmup) % EVERY == EVERY - 1) {
                long[] s = new long[gauges.size()];
                for (int g = 0; g < s.length; g++) s[g] = gauges.get(g).read().getAsLong();
                samples.add(s);
            }
        }
        int half = samples.size() / 2;
        for (int g = 0; g < gauges.size(); g++) {
            // the floor of each half: a leak raises every later sample, a GC outlier only one
            long early = Long.MAX_VALUE, late = Long.MAX_VALUE;
            for (int i = 0; i < half; i++) early = Math.min(early, samples.get(i)[g]);
            for (int i = half; i < samples.size(); i++) late = Math.min(late, samples.get(i)[g]);
            StringBuilder all = new StringBuilder();
            for (long[] s : samples) all.append(' ').append(s[g] >> 10);
            String msg = device + ", " + gauges.get(g).name() + " over " + steps + " steps (KiB every " + EVERY
                    + " steps):" + all;
            System.out.println(msg);
            assertTrue(late <= early + SLACK, "grows: " + msg);
        }
    }

    static long liveHeap() {
        for (int i = 0; i < 2; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long buffers(String pool) {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
            if (b.getName().equals(pool)) return b.getMemoryUsed();
        return 0;
    }
}
