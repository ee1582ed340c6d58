package org.revtaf.engine.backend.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * The profiler's numbers on known sequences of cpu ops: calls per op and direction, bytes of the
 * outputs, times and shares; the NVTX range sequence through a fake sink; nothing recorded or
 * allocated while it is off.
 */
class ProfilerTest {
    static final Device CPU = Device.CPU;

    /** A range sink that writes down its calls. */
    static final class FakeSink implements RangeSink {
        final List<String> calls = new ArrayList<>();

        @Override
        public void push(String name) {
            calls.add("push " + name);
        }

        @Override
        public void pop() {
            calls.add("pop");
        }
    }

    static Tensor rand(Random rng, int... shape) {
        return Tensor.randn(CPU, DType.FLOAT32, rng, 1, shape);
    }

    static Map<String, ProfileReport.OpRow> byKey(ProfileReport r) {
        return r.ops().stream().collect(Collectors.toMap(o -> o.op() + (o.backward() ? " bwd" : " fwd"), o -> o));
    }

    @Test
    void aKnownForwardSequenceGivesItsCallsAndOutputBytes() {
        Random rng = new Random(1);
        Tensor a = rand(rng, 4, 8), b = rand(rng, 8, 16);
        ProfileReport r;
        try (ProfileSession s = Profiler.start(CPU, RangeSink.NONE)) {
            assertTrue(Profiler.enabled());
            Tensor c = F.matmul(a, b); // (4, 16): 256 bytes
            Tensor d = F.add(c, c); // 256 bytes
            F.add(d, c); // 256 bytes
            F.exp(F.add(d, c)); // 256 + 256 bytes
            r = s.report();
        }
        assertFalse(Profiler.enabled());
        Map<String, ProfileReport.OpRow> rows = byKey(r);
        assertEquals(Map.of("matmul fwd", 1L, "add fwd", 3L, "exp fwd", 1L), calls(rows));
        assertEquals(256, rows.get("matmul fwd").bytes());
        assertEquals(3 * 256, rows.get("add fwd").bytes());
        assertEquals(256, rows.get("exp fwd").bytes());
        assertEquals(5 * 256, r.bytes());
        for (ProfileReport.OpRow o : r.ops()) assertTrue(o.nanos() > 0, o + " has no time");
        assertEquals(100.0, r.ops().stream().mapToDouble(r::share).sum(), 1e-9);
        assertTrue(r.opNanos() <= r.wallNanos(), "op time is inside the wall time");
        List<ProfileReport.OpRow> sorted = r.sorted();
        for (int i = 1; i < sorted.size(); i++)
            assertTrue(sorted.get(i - 1).nanos() >= sorted.get(i).nanos(), "sorted by time: " + sorted);
    }

    static Map<String, Long> calls(Map<String, ProfileReport.OpRow> rows) {
        return rows.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().calls()));
    }

    @Test
    void theBackwardPassIsCountedByItsOwnRowsWithoutDoubleCounting() {
        Random rng = new Random(2);
        Tensor x = rand(rng, 4), w = rand(rng, 4).requiresGrad(true);
        ProfileReport r;
        try (ProfileSession s = Profiler.start(CPU, RangeSink.NONE)) {
            Tensor loss = F.sum(F.mul(x, w), false); // y (4): 16 bytes, loss (): 4 bytes
            loss.backward();
            r = s.report();
        }
        Map<String, ProfileReport.OpRow> rows = byKey(r);
        assertEquals(1, rows.get("mul fwd").calls());
        assertEquals(16, rows.get("mul fwd").bytes());
        assertEquals(1, rows.get("sum fwd").calls());
        assertEquals(1, rows.get("sum bwd").calls()); // its backward function
        // mul's backward function (1) and the two products it takes (g * w, g * x)
        assertEquals(3, rows.get("mul bwd").calls());
        assertEquals(2 * 16, rows.get("mul bwd").bytes());
        assertEquals(1, rows.get("grad_accumulate bwd").calls()); // w.grad, a fresh (4)
        assertEquals(16, rows.get("grad_accumulate bwd").bytes());
        assertEquals(100.0, r.ops().stream().mapToDouble(r::share).sum(), 1e-9);
        assertTrue(r.opNanos() <= r.wallNanos());
        assertEquals(x.numel(), w.grad().numel());
    }

    @Test
    void stagesAndKernelsAreNestedRangesInTheSink() {
        Random rng = new Random(3);
        Tensor a = rand(rng, 2, 3), b = rand(rng, 3, 2);
        FakeSink sink = new FakeSink();
        ProfileReport r;
        try (ProfileSession s = Profiler.start(CPU, sink)) {
            try (var forward = Profiler.stage("forward")) {
                F.matmul(a, b);
                try (var inner = Profiler.stage("beam search")) {
                    F.exp(a);
                }
            }
            try (var data = Profiler.stage("data loading")) {
                // host work only: a stage with no op time
            }
            r = s.report();
        }
        assertEquals(
                List.of(
                        "push forward",
                        "push matmul: gemm",
                        "pop",
                        "push beam search",
                        "push exp: unary",
                        "pop",
                        "pop",
                        "pop",
                        "push data loading",
                        "pop"),
                sink.calls);
        Map<String, ProfileReport.StageRow> st =
                r.stages().stream().collect(Collectors.toMap(ProfileReport.StageRow::stage, x -> x));
        assertEquals(
                List.of("forward", "forward/beam search", "data loading"),
                r.stages().stream().map(ProfileReport.StageRow::stage).toList());
        assertEquals(1, st.get("forward").calls());
        assertTrue(st.get("forward").opNanos() >= st.get("forward/beam search").opNanos());
        assertTrue(st.get("forward").wallNanos() >= st.get("forward").opNanos());
        assertEquals(0, st.get("data loading").opNanos());
        assertEquals(r.opNanos(), st.get("forward").opNanos());
        String table = r.format();
        assertTrue(table.contains("forward/beam search"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("matmul ")), table);
    }

    @Test
    void onTheEmulatedCudaDeviceTheKernelsRunThroughNvtxAndDeviceBytesCount() {
        Device emu = Device.CUDA_EMU;
        Random rng = new Random(6);
        Tensor a = rand(rng, 4, 8).to(emu), b = rand(rng, 8, 16).to(emu);
        List<String> warnings = new ArrayList<>();
        assertTrue(RangeSink.forDevice(emu, warnings::add) instanceof RangeSink.Nvtx);
        ProfileReport r;
        Tensor c;
        try (ProfileSession s = Profiler.start(emu, warnings::add)) {
            c = F.matmul(a, b); // (4, 16) on the device: 256 bytes
            F.add(c, c);
            r = s.report();
        }
        assertEquals(List.of(), warnings);
        Map<String, ProfileReport.OpRow> rows = byKey(r);
        assertEquals(Map.of("matmul fwd", 1L, "add fwd", 1L), calls(rows));
        assertTrue(rows.get("matmul fwd").bytes() >= 256, rows.toString());
        assertTrue(rows.get("add fwd").bytes() >= 256, rows.toString());
        assertTrue(rows.get("matmul fwd").nanos() > 0 && rows.get("add fwd").nanos() > 0);
        assertEquals(16, c.shape(1));
    }

    @Test
    void withoutAGpuTheCudaSinkIsNoneWithOneMessage() {
        List<String> warnings = new ArrayList<>();
        RangeSink sink = RangeSink.forDevice(Device.CUDA, warnings::add);
        if (Backends.isAvailable(Device.CUDA)) {
            assertTrue(sink instanceof RangeSink.Nvtx);
            assertEquals(List.of(), warnings);
        } else {
            assertSame(RangeSink.NONE, sink);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.getFirst().startsWith("profile: no NVTX ranges on cuda"), warnings.toString());
        }
        assertSame(RangeSink.NONE, RangeSink.forDevice(CPU, warnings::add));
    }

    @Test
    void opsOnOtherThreadsAreNotCounted() throws Exception {
        Random rng = new Random(4);
        Tensor a = rand(rng, 8);
        ProfileReport r;
        try (ProfileSession s = Profiler.start(CPU, RangeSink.NONE)) {
            Thread t = new Thread(() -> F.exp(a));
            t.start();
            t.join();
            F.neg(a);
            r = s.report();
        }
        assertEquals(Map.of("neg fwd", 1L), calls(byKey(r)));
    }

    @Test
    void offTheHooksReturnTheirArgumentsRecordNothingAndAllocateNothing() {
        Backend be = Backends.of(CPU, DType.FLOAT32);
        assertFalse(Profiler.enabled());
        assertSame(be, Profiler.op("x", be));
        assertSame(be, Profiler.current(be));
        assertSame(Profiler.Region.NONE, Profiler.stage("forward"));
        assertSame(Profiler.Region.NONE, Profiler.backward("x"));

        // a finished session hears nothing more
        Tensor a = rand(new Random(5), 16);
        ProfileSession s = Profiler.start(CPU, RangeSink.NONE);
        assertNotSame(be, Profiler.op("x", be));
        F.exp(a);
        s.close();
        F.exp(a);
        F.neg(a);
        assertEquals(Map.of("x fwd", 1L, "exp fwd", 1L), calls(byKey(s.report())));

        // the off path allocates nothing: the thread's allocation counter stays put
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 200_000;
        long sink = offPath(be, 1000); // warm up (class loading, compilation)
        long before = mx.getCurrentThreadAllocatedBytes();
        sink += offPath(be, n);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink > 0);
        assertTrue(allocated < n / 10, n + " off-path hook calls allocated " + allocated + " bytes");
    }

    private static long offPath(Backend be, int n) {
        long k = 0;
        for (int i = 0; i < n; i++) {
            if (Profiler.op("matmul", be) == be) k++;
            if (Profiler.current(be) == be) k++;
            try (var st = Profiler.stage("forward");
                    var bw = Profiler.backward("matmul")) {
                k++;
            }
        }
        return k;
    }
}
