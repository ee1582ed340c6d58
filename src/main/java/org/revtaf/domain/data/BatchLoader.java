package org.revtaf.domain.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.revtaf.RevtafException;

/**
 * A parallel prefetching batch loader: {@code workers} threads decode and transform whole batches
 * ahead of the consumer, with at most {@code prefetch} batches decoded or in progress at any time
 * (bounded memory: prefetch x batch x 3 x crop x crop floats). Batches come out in order; sample k
 * of the epoch draws its augmentation from a stream derived from (seed, epoch, k), so the batches are
 * the same whatever the number of workers. The order is shuffled per epoch when asked (train).
 *
 * <p>The first image of each study is used (PromptMRG's single-image input). A bad sample (missing or
 * corrupt image) stops the epoch with a {@link RevtafException} naming the file and the study, or
 * under {@link BadSamplePolicy#SKIP} is left out of its batch and counted. Any other worker error is
 * rethrown by {@link #next()}. Close it (try-with-resources) to stop the workers early.
 */
public final class BatchLoader implements Iterator<BatchLoader.Batch>, AutoCloseable {

    /**
     * One batch.
     *
     * @param index batch number in the epoch
     * @param studies the studies in it (skipped ones left out)
     * @param images (B, 3, crop, crop) normalised floats
     * @param labels (B, 18) status codes (0 blank where a study has fewer)
     */
    public record Batch(int index, List<Study> studies, float[] images, int[] labels) {
        public int size() {
            return studies.size();
        }
    }

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final Dataset dataset;
    private final List<Study> order;
    private final ImagePipeline pipeline;
    private final int batchSize;
    private final long epochSeed;
    private final BadSamples bad;
    private final int prefetch;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
    private final int batches;
    private int submitted;
    private boolean closed;

    /**
     * A training epoch as the config's data section says: its train pipeline (augmentation) and
     * workers, shuffled with the epoch's seed, two batches prefetched.
     */
    public static BatchLoader trainingEpoch(
            Dataset dataset,
            List<Study> studies,
            DataConfig data,
            int batchSize,
            long seed,
            int epoch,
            BadSamples bad) {
        return new BatchLoader(
                dataset, studies, data.trainPipeline(), batchSize, seed, epoch, true, data.workers(), 2, bad);
    }

    /**
     * The studies in their order through the config's eval pipeline (centre crop, no randomness) and
     * workers, two batches prefetched: validation, precompute, generation.
     */
    public static BatchLoader inOrder(
            Dataset dataset, List<Study> studies, DataConfig data, int batchSize, BadSamples bad) {
        return new BatchLoader(dataset, studies, data.evalPipeline(), batchSize, 0, 0, false, data.workers(), 2, bad);
    }

    /**
     * @param studies the studies of the epoch (e.g. {@code dataset.split(Split.TRAIN)})
     * @param shuffle shuffle the order with the epoch's seed
     */
    public BatchLoader(
            Dataset dataset,
            List<Study> studies,
            ImagePipeline pipeline,
            int batchSize,
            long seed,
            int epoch,
            boolean shuffle,
            int workers,
            int prefetch,
            BadSamples bad) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        if (prefetch < 1) throw new IllegalArgumentException("prefetch must be >= 1, got " + prefetch);
        this.dataset = dataset;
        this.pipeline = pipeline;
        this.batchSize = batchSize;
        this.epochSeed = SplitMix64.derive(seed, epoch);
        this.bad = bad;
        this.prefetch = prefetch;
        List<Study> o = new ArrayList<>(studies);
        if (shuffle) {
            SplitMix64 rng = new SplitMix64(SplitMix64.derive(epochSeed, -1));
            for (int i = o.size() - 1; i > 0; i--) java.util.Collections.swap(o, i, rng.nextInt(i + 1));
        }
        this.order = List.copyOf(o);
        this.batches = (order.size() + batchSize - 1) / batchSize;
        int id = POOL_IDS.incrementAndGet();
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "batch-loader-" + id);
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    /** Number of batches of the epoch. */
    public int batches() {
        return batches;
    }

    /** Batches submitted and not yet taken (at most prefetch). */
    int queued() {
        return inFlight.size();
    }

    /** Samples skipped so far (under SKIP). */
    public int skipped() {
        return bad.count();
    }

    private void fill() {
        while (!closed && submitted < batches && inFlight.size() < prefetch) {
            int b = submitted++;
            inFlight.add(pool.submit(() -> load(b)));
        }
    }

    @Override
    public boolean hasNext() {
        return !closed && !inFlight.isEmpty();
    }

    @Override
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        Future<Batch> f = inFlight.poll();
        try {
            Batch b = f.get();
            fill();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new RevtafException("batch loading interrupted", e);
        } catch (ExecutionException | CancellationException e) {
            close();
            Throwable c = e.getCause() == null ? e : e.getCause();
            if (c instanceof RevtafException re) throw new RevtafException(re.getMessage(), re);
            throw new RevtafException("batch loader worker failed: " + c, c);
        }
    }

    private Batch load(int b) {
        int from = b * batchSize, to = Math.min(order.size(), from + batchSize);
        int per = pipeline.outputSize();
        float[] images = new float[(to - from) * per];
        int[] labels = new int[(to - from) * 18];
        List<Study> kept = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) {
            if (Thread.currentThread().isInterrupted()) throw new CancellationException("closed");
            Study s = order.get(k);
            String where = "study " + s.id() + " (" + s.split() + ")";
            try {
                Image img = Images.read(dataset.resolveImage(s.imagePaths().get(0), where));
                int slot = kept.size();
                pipeline.applyInto(img, new SplitMix64(SplitMix64.derive(epochSeed, k)), images, slot * per);
                for (int c = 0; c < 18; c++) labels[slot * 18 + c] = s.label(c);
                kept.add(s);
            } catch (RevtafException e) {
                bad.report(e.getMessage().contains(s.id()) ? e.getMessage() : where + ": " + e.getMessage());
            }
        }
        if (kept.size() < to - from) {
            images = java.util.Arrays.copyOf(images, kept.size() * per);
            labels = java.util.Arrays.copyOf(labels, kept.size() * 18);
        }
        return new Batch(b, List.copyOf(kept), images, labels);
    }

    /** Stops the workers; pending batches are dropped. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Future<Batch> f : inFlight) f.cancel(true);
        inFlight.clear();
        pool.shutdownNow();
    }
}
