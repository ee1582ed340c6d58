package org.revtaf.domain.data.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.AnnotationJson;
import org.revtaf.domain.data.AtomicDirectory;
import org.revtaf.domain.data.PngWriter;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.ReportLabeler;

/**
 * The built-in synthetic chest X-ray dataset (shared/SYNTHETIC.md): per study, findings drawn with
 * long-tailed frequencies ({@link FindingSampler}), a patient ({@link Anatomy}), a radiograph
 * ({@link ChestRenderer}), a report ({@link ReportWriter}) and its labels from the project's labeler.
 * Writes {@code annotation.json} (PromptMRG layout, image paths relative to {@code images/}),
 * {@code images/sNNNNNN/0.png} and {@code findings.json} (the truth).
 *
 * <p>Deterministic: study i draws from its own {@link SplitMix64} streams derived from (seed, i), so the
 * files are byte-identical for the same arguments whatever the number of threads or the machine.
 * Splits are fixed by index: i % 10 == 8 is val, i % 10 == 9 is test, the rest train.
 */
public final class SyntheticGenerator {
    /** Upper and lower bounds of the image size. */
    public static final int MIN_SIZE = 32, MAX_SIZE = 1024;

    private SyntheticGenerator() {}

    /**
     * One generated study.
     *
     * @param imagePath its image path relative to images/
     * @param labels the 18 label codes the labeler gave the report
     * @param findings the truth
     * @param cardiothoracicRatio heart width / thorax width as drawn
     * @param pixels (size, size) 8-bit gray, row-major
     */
    public record Sample(
            String id,
            Split split,
            String imagePath,
            String report,
            int[] labels,
            List<Finding> findings,
            double cardiothoracicRatio,
            byte[] pixels) {}

    /** The id of study i. */
    public static String id(int index) {
        return String.format(java.util.Locale.ROOT, "s%06d", index + 1);
    }

    public static Split split(int index) {
        return switch (index % 10) {
            case 8 -> Split.VAL;
            case 9 -> Split.TEST;
            default -> Split.TRAIN;
        };
    }

    /** Generates study {@code index} (pixels are (size, size) 8-bit gray). */
    public static Sample sample(long seed, int index, int size, ReportLabeler labeler) {
        long s = SplitMix64.derive(seed, index);
        List<Finding> findings = FindingSampler.sample(new SplitMix64(SplitMix64.derive(s, 0)));
        Anatomy anatomy = Anatomy.sample(new SplitMix64(SplitMix64.derive(s, 1)), findings);
        byte[] px = ChestRenderer.render(size, anatomy, findings, new SplitMix64(SplitMix64.derive(s, 2)));
        String report = ReportWriter.write(findings, new SplitMix64(SplitMix64.derive(s, 3)));
        int[] labels = labeler.label(report);
        if (labels == null || labels.length != LabelClass.ALL.size())
            throw new IllegalStateException("the labeler returned "
                    + (labels == null ? "null" : labels.length + " labels") + ", expected " + LabelClass.ALL.size());
        String id = id(index);
        return new Sample(id, split(index), id + "/0.png", report, labels.clone(), findings, anatomy.ctr(), px);
    }

    /** Summary of a run. */
    public record Summary(int studies, Map<Split, Integer> perSplit, long imageBytes, double seconds) {}

    /**
     * Writes the dataset into {@code out} (atomically: a temporary folder renamed at the end; an
     * existing non-empty folder is replaced only when {@code replace}).
     */
    public static Summary write(
            Path out,
            int studies,
            int size,
            long seed,
            int threads,
            boolean replace,
            ReportLabeler labeler,
            Consumer<String> log) {
        if (studies < 1) throw new RevtafException("--studies must be at least 1, got " + studies);
        if (size < MIN_SIZE || size > MAX_SIZE)
            throw new RevtafException("--size must be between " + MIN_SIZE + " and " + MAX_SIZE + ", got " + size);
        if (threads < 1) throw new RevtafException("--threads must be at least 1, got " + threads);
        long t0 = System.nanoTime();
        String[] reports = new String[studies];
        int[][] labels = new int[studies][];
        List<List<Finding>> truth = new ArrayList<>(java.util.Collections.nCopies(studies, null));
        double[] ctr = new double[studies];
        long[] bytes = new long[1];
        AtomicDirectory.write(out, replace, tmp -> {
            Path images = tmp.resolve("images");
            Files.createDirectories(images);
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "synth");
                t.setDaemon(true);
                return t;
            });
            try {
                int chunk = Math.max(1, Math.min(64, studies / (threads * 8) + 1));
                List<Future<Long>> futures = new ArrayList<>();
                for (int start = 0; start < studies; start += chunk) {
                    int from = start, to = Math.min(studies, start + chunk);
                    futures.add(pool.submit(() -> {
                        long written = 0;
                        for (int i = from; i < to; i++) {
                            Sample smp = sample(seed, i, size, labeler);
                            byte[] png = PngWriter.gray(smp.pixels(), size, size);
                            Path dir = images.resolve(smp.id());
                            Files.createDirectories(dir);
                            Files.write(dir.resolve("0.png"), png);
                            written += png.length;
                            reports[i] = smp.report();
                            labels[i] = smp.labels();
                            truth.set(i, smp.findings());
                            ctr[i] = smp.cardiothoracicRatio();
                        }
                        return written;
                    }));
                }
                for (Future<Long> f : futures) bytes[0] += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof IOException io) throw io;
                throw new IllegalStateException(c);
            } finally {
                pool.shutdownNow(); // on failure: stop the other workers before the temporary folder is deleted
                try {
                    if (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES))
                        throw new IOException("synth workers did not stop");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Map<Split, List<Study>> splits = new EnumMap<>(Split.class);
            for (Split s : Split.ALL) splits.put(s, new ArrayList<>());
            for (int i = 0; i < studies; i++) {
                String id = id(i);
                splits.get(split(i)).add(new Study(id, split(i).key(), reports[i], List.of(id + "/0.png"), labels[i]));
            }
            Files.write(tmp.resolve("annotation.json"), AnnotationJson.toBytes(splits));
            Files.write(tmp.resolve("findings.json"), findingsJson(seed, size, truth, ctr));
        });
        Map<Split, Integer> per = new EnumMap<>(Split.class);
        for (int i = 0; i < studies; i++) per.merge(split(i), 1, Integer::sum);
        double sec = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(
                java.util.Locale.ROOT,
                "synth: wrote %d studies (train %d, val %d, test %d) at %dx%d, seed %d, to %s in %.1f s",
                studies,
                per.getOrDefault(Split.TRAIN, 0),
                per.getOrDefault(Split.VAL, 0),
                per.getOrDefault(Split.TEST, 0),
                size,
                size,
                seed,
                out,
                sec));
        return new Summary(studies, per, bytes[0], sec);
    }

    /** findings.json: the ground truth of every study, in study order. */
    static byte[] findingsJson(long seed, int size, List<List<Finding>> truth, double[] ctr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setPrettyPrinter(AnnotationJson.prettyPrinter());
            g.writeStartObject();
            g.writeStringField("generator", "revtaf synth 1");
            g.writeNumberField("seed", seed);
            g.writeNumberField("size", size);
            g.writeArrayFieldStart("studies");
            for (int i = 0; i < truth.size(); i++) {
                g.writeStartObject();
                g.writeStringField("id", id(i));
                g.writeStringField("split", split(i).key());
                g.writeNumberField("cardiothoracic_ratio", Math.round(ctr[i] * 1000) / 1000.0);
                g.writeArrayFieldStart("findings");
                for (Finding f : truth.get(i)) {
                    g.writeStartObject();
                    g.writeStringField("entity", f.entity());
                    g.writeStringField("label", f.label().csvName());
                    g.writeStringField("position", f.position());
                    g.writeStringField("severity", f.severityWord());
                    g.writeStringField("certainty", f.certainty());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
