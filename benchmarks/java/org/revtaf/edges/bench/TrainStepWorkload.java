package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.edges.pipeline.train.SyntheticRun;
import org.revtaf.edges.pipeline.train.TrainStep;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cuda.CudaBackend;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.revtaf.RevtafConfig;
import org.revtaf.learning.model.revtaf.RevtafModel;

/**
 * {@code bench train-step --config YAML}: one whole REVTAF training step of a config ({@link
 * TrainStep}: forward with every loss, backward, gradient checks, clipping, AdamW) on a seeded
 * synthetic batch of the shapes the config's cache would have: images data.crop square, text width
 * foundation.text_encoder.hidden, precompute.max_sentences GRP sentences, precompute.memory_k
 * memory features of precompute.memory_dim, text.vocab_size tokens, reports of up to
 * data.max_words tokens. Reports the median step time, images per second, the peak heap (the sum of
 * the heap pools' peaks over the steps: garbage not yet collected included, an upper bound) and the
 * heap still used after a full GC at the end (weights, AdamW moments, the batch and the pooled
 * arrays of a step: about what the run needs).
 */
public final class TrainStepWorkload extends Workload {
    public TrainStepWorkload() {
        super(
                "train-step",
                "the whole REVTAF training step of a config (forward, backward, AdamW), images/s and peak heap",
                List.of(Device.CPU, Device.REFERENCE, Device.CUDA, Device.CUDA_EMU),
                """
                        config  -  run config (configs/*.yaml) with the model and train sections
                        batch   0  images per step (0: the config's train.batch_size)
                        warmup  5  untimed steps first (JIT compilation, allocator pool)
                        iters   5  timed steps (median)
                        """);
    }

    @Override
    public BenchResult run(Device dev, BenchOptions o, PrintWriter log) {
        Path file = Path.of(o.string("config"));
        int iters = o.integer("iters", 1, 100), warmup = o.integer("warmup", 0, 100);
        int batchOpt = o.integer("batch", 0, 4096);
        SyntheticRun run = SyntheticRun.load(file, "bench train-step");
        TrainConfig tc = run.require(run.config().train(), "train");
        int batch = batchOpt > 0 ? batchOpt : tc.batchSize();
        RevtafModel model = run.newModel(dev);
        RevtafModel.Batch b =
                run.batch(model, batch, run.trainReportTokens(), run.config().seed());
        RevtafConfig mc = run.model();
        int side = run.data().crop();
        TrainStep step = new TrainStep(model, tc);
        Runnable one = () -> {
            try (Scope s = Scope.open()) {
                step.run(b, tc.lr(), "bench step");
            }
        };
        CudaBackend cuda = Backends.of(dev) instanceof CudaBackend cb ? cb : null;
        long fallbacksBefore = CudaBackend.hostFallbackCount();
        long readsBefore = CudaBackend.hostReads(), writesBefore = CudaBackend.hostWrites();
        long syncsBefore = cuda == null ? 0 : cuda.streamSyncs();
        Map<String, Long> sitesBefore = CudaBackend.hostCopySites();
        resetPeaks();
        if (cuda != null) cuda.resetPeak();
        double seconds = ModelStepTimer.afterWarmup(one, warmup, iters);
        if (cuda != null) cuda.synchronize();
        double peakMb = peakHeap() / (1024.0 * 1024.0);
        System.gc(); // what stays: weights, AdamW moments, the batch and the allocator's pooled step arrays
        double liveMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
        log.printf(
                "  train-step %s: batch %d at %dx%d, %,d parameters (lre %s, fvtaf %s): %.3f s per step (%.2f img/s),"
                        + " peak heap %.0f MiB (%.0f MiB live after a GC) of %.0f MiB%n",
                file,
                batch,
                side,
                side,
                model.parameterCount(),
                mc.lre(),
                mc.fvtaf(),
                seconds,
                batch / seconds,
                peakMb,
                liveMb,
                Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
        log.flush();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("config", file.toString());
        extra.put("batch", batch);
        extra.put("image_size", side);
        extra.put("parameters", model.parameterCount());
        extra.put("lre", mc.lre());
        extra.put("fvtaf", mc.fvtaf());
        extra.put("peak_heap_mb", Math.round(peakMb));
        extra.put("live_heap_mb", Math.round(liveMb));
        extra.put("max_heap_mb", Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0)));
        if (cuda != null) { // kernel calls that left the device, and the allocator's peak over the steps
            extra.put("host_fallbacks", CudaBackend.hostFallbackCount() - fallbacksBefore);
            extra.put("device_peak_bytes", cuda.peakBytes());
            extra.put("vendor_paths", cuda.vendorPaths());
            // copies between host and device per step (each one a host synchronisation), warmup included
            double steps = warmup + iters;
            double reads = (CudaBackend.hostReads() - readsBefore) / steps;
            double writes = (CudaBackend.hostWrites() - writesBefore) / steps;
            extra.put("host_reads_per_step", reads);
            extra.put("host_writes_per_step", writes);
            double syncs = (cuda.streamSyncs() - syncsBefore) / steps; // the host waiting for the stream
            extra.put("stream_syncs_per_step", syncs);
            log.printf(
                    "  device: peak %.1f MiB of tensors, %d host fallbacks, %.1f device-to-host and %.1f"
                            + " host-to-device copies and %.1f stream waits per step%n",
                    cuda.peakBytes() / 1048576.0,
                    CudaBackend.hostFallbackCount() - fallbacksBefore,
                    reads,
                    writes,
                    syncs);
            StringBuilder by = new StringBuilder(); // who asked for the copies (issue 17: what is left)
            CudaBackend.hostCopySites().forEach((site, n) -> {
                long d = n - sitesBefore.getOrDefault(site, 0L);
                if (d > 0)
                    by.append(by.isEmpty() ? "" : ", ")
                            .append(site)
                            .append(" x")
                            .append(d);
            });
            log.printf("  copies by caller over %d steps: %s%n", warmup + iters, by);
            log.flush();
        }
        return new BenchResult(name(), dev, seconds, Double.NaN, Double.NaN, batch / seconds, extra);
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }

    private static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peak usages since {@link #resetPeaks} (an upper bound of the peak heap). */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : heapPools()) sum += p.getPeakUsage().getUsed();
        return sum;
    }
}
