package org.revtaf.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;

/** Deterministic release of a step's tensors and flat memory over many training steps. */
class ScopeMemoryTest {
    @Test
    void closingAScopeReleasesItsTensorsExceptKeptOnes() {
        Tensor outside = Tensor.zeros(Device.CPU, DType.FLOAT32, 4);
        Tensor inner, kept;
        try (Scope s = Scope.open()) {
            inner = F.addScalar(outside, 1);
            kept = s.keep(F.addScalar(outside, 2));
            assertEquals(1, s.ownedCount());
        }
        assertTrue(inner.storage().isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, inner::toFloats);
        assertTrue(e.getMessage().contains("Scope"), e.getMessage());
        assertEquals(2.0, kept.toDoubles()[3]);
        assertEquals(0.0, outside.toDoubles()[0]);
    }

    @Test
    void varyingShapesShareSizeClassesAndZerosAreZero() {
        assertEquals(64, Allocator.sizeClass(64));
        assertEquals(72, Allocator.sizeClass(65));
        assertEquals(1152, Allocator.sizeClass(1100));
        for (int n = 65; n < 5000; n += 37)
            assertTrue(Allocator.sizeClass(n) >= n && Allocator.sizeClass(n) <= n * 1.125 + 1);
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.full(Device.CPU, DType.FLOAT32, 7, 1000);
            assertEquals(1000, a.storage().length());
        }
        long fresh = Allocator.freshAllocations();
        try (Scope s = Scope.open()) {
            Tensor b =
                    Tensor.zeros(Device.CPU, DType.FLOAT32, 990); // same size class: the pooled array comes back zeroed
            assertEquals(fresh, Allocator.freshAllocations());
            for (double v : b.toDoubles()) assertEquals(0.0, v);
        }
    }

    @Test
    void beyondTheCapArraysArePooledSoftlyAndComeBack() {
        long oldCap = Allocator.setMaxPoolBytes(0); // everything released goes to the soft part
        try {
            int n = 123_457; // a size class no other test uses
            long soft = Allocator.softPooledBytes(), strong = Allocator.pooledBytes();
            Object array; // held here, so the GC cannot clear the soft entry during the test
            try (Scope s = Scope.open()) {
                array = ((HeapStorage)
                                Tensor.full(Device.CPU, DType.FLOAT32, 3, n).storage())
                        .array();
            }
            long bytes = 4L * Allocator.sizeClass(n);
            assertEquals(strong, Allocator.pooledBytes(), "nothing pooled strongly beyond the cap");
            assertEquals(soft + bytes, Allocator.softPooledBytes());
            long fresh = Allocator.freshAllocations();
            try (Scope s = Scope.open()) {
                Tensor b = Tensor.zeros(Device.CPU, DType.FLOAT32, n);
                assertEquals(fresh, Allocator.freshAllocations(), "served from the soft part of the pool");
                assertTrue(((HeapStorage) b.storage()).array() == array);
                assertEquals(soft, Allocator.softPooledBytes());
                for (double v : b.toDoubles()) assertEquals(0.0, v);
            }
            assertEquals(strong, Allocator.pooledBytes());
        } finally {
            Allocator.setMaxPoolBytes(oldCap);
        }
    }

    @Test
    void nestedScopesHandKeptTensorsToTheParent() {
        Tensor x = Tensor.zeros(Device.CPU, DType.FLOAT32, 3);
        try (Scope outer = Scope.open()) {
            Tensor y;
            try (Scope inner = Scope.open()) {
                y = inner.keep(F.addScalar(x, 5));
            }
            assertEquals(5.0, y.toDoubles()[0]);
            assertEquals(1, outer.ownedCount());
        }
    }

    @Test
    void aStepsTensorsAreUnreachableAfterItsScope() {
        Tensor w = Tensor.full(Device.CPU, DType.FLOAT32, 1.0, 2).requiresGrad(true);
        java.lang.ref.WeakReference<Tensor> ref = step(w);
        for (int i = 0; i < 5 && ref.get() != null; i++) System.gc();
        assertTrue(ref.get() == null, "the step's output is still reachable after its scope closed");
        assertEquals(3.0, w.grad().toDoubles()[0], 1e-6); // d/dw (w + 1) w = 2w + 1, kept across the scope
    }

    /** One step in its own frame (a local slot of the caller would keep the tensor reachable). */
    private static java.lang.ref.WeakReference<Tensor> step(Tensor w) {
        try (Scope s = Scope.open()) {
            Tensor y = F.mul(F.addScalar(w, 1), w);
            F.sum(y, false).backward();
            return new java.lang.ref.WeakReference<>(y);
        }
    }

    /** 200 SGD steps of a 2-layer MLP: after warm-up no new arrays, flat pool, flat heap. */
    @Test
    void twoHundredTrainingStepsKeepMemoryFlat() {
        Random rng = new Random(1);
        int batch = 256, in = 24, hidden = 256, classes = 5; // one hidden activation = 256 KiB
        Tensor w1 =
                Tensor.randn(Device.CPU, DType.FLOAT32, rng, 0.3, hidden, in).requiresGrad(true);
        Tensor b1 = Tensor.zeros(Device.CPU, DType.FLOAT32, hidden).requiresGrad(true);
        Tensor w2 = Tensor.randn(Device.CPU, DType.FLOAT32, rng, 0.3, classes, hidden)
                .requiresGrad(true);
        Tensor b2 = Tensor.zeros(Device.CPU, DType.FLOAT32, classes).requiresGrad(true);
        Tensor[] params = {w1, b1, w2, b2};
        float[] data = new float[batch * in];
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < in; j++)
                data[i * in + j] = (float) (rng.nextGaussian() + (j % classes == labels[i] ? 1.5 : 0));
        }
        double firstLoss = 0, lastLoss = 0;
        long fresh = 0, pooled = 0, early = Long.MAX_VALUE, late = Long.MAX_VALUE;
        for (int step = 0; step < 200; step++) {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.of(Device.CPU, data, batch, in);
                Tensor y = Tensor.ofLongs(Device.CPU, labels, batch);
                Tensor logits = F.linear(F.relu(F.linear(x, w1, b1)), w2, b2);
                Tensor loss = F.crossEntropy(logits, y, -100, 0.0);
                loss.backward();
                try (var g = GradMode.noGrad()) {
                    for (Tensor p : params) {
                        F.addInPlace(p, F.scale(p.grad(), -0.1));
                        p.zeroGrad();
                    }
                }
                if (step == 0) firstLoss = loss.item();
                lastLoss = loss.item();
            }
            if (step == 20) {
                fresh = Allocator.freshAllocations();
                pooled = Allocator.pooledBytes();
            }
            // heap after GC, sampled every 10 steps; the minimum of a window is robust to GC noise
            if (step >= 40 && step < 80 && step % 10 == 0) early = Math.min(early, usedHeapAfterGc());
            if (step >= 160 && step % 10 == 0) late = Math.min(late, usedHeapAfterGc());
        }
        assertEquals(fresh, Allocator.freshAllocations(), "no new arrays after warm-up: every step reuses the pool");
        assertEquals(pooled, Allocator.pooledBytes(), "pool size is flat");
        long growth = late - early;
        // retaining even one 256 KiB activation per step would add 30+ MiB over these 120 steps;
        // the bound leaves room for a few MiB of JVM noise in the after-GC readings
        assertTrue(growth < 12L << 20, "heap after GC grew by " + growth + " bytes from steps 40-80 to 160-200");
        assertTrue(lastLoss < 0.5 * firstLoss, "the model trains: loss " + firstLoss + " -> " + lastLoss);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
