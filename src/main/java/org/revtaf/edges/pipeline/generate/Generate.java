package org.revtaf.edges.pipeline.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.Progress;
import org.revtaf.edges.pipeline.train.ReportDecoder;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.generate.BeamSearch;
import org.revtaf.learning.model.retrieval.PoincareIndex;
import org.revtaf.learning.model.revtaf.RevtafModel;

/**
 * The {@code generate} stage (../shared/CLI.md): reports for the studies of a split or for image
 * files, one JSON line per study: {@code id}, {@code report}, {@code labels} (the 18 predicted
 * statuses {@code pos}/{@code neg}/{@code unc}/{@code bla} in the column order of {@code label
 * --classes 18}), {@code retrieved_id} and {@code retrieved_distance}.
 *
 * <p>Per batch of the generate section's {@code batch_size}: the study features ({@link
 * StudyFeatures}: the cache for the training data's own studies, else the foundation chain, or the
 * ground truth for an oracle checkpoint on other synthetic data), the retrieval of the training
 * report whose GRPs condition FVTAF ({@link #retrieve}), then {@link ReportDecoder} (prompt from
 * the classifier's argmax, beam search at the section's lengths). The output file is written once,
 * atomically, after the last study.
 */
public final class Generate {
    static final String[] STATUS = {"bla", "pos", "neg", "unc"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private Generate() {}

    /**
     * What to generate.
     *
     * @param data a dataset folder (with {@code split}: train, val, test or all), or null with images
     * @param images image files (PNG...), or null with data
     * @param out the JSONL file, or null for stdout
     * @param beams beam size, or null for the checkpoint's generate.beams
     * @param overrides {@code generate.KEY=VALUE} changes to the checkpoint's generate section (lengths,
     *     length penalty, batch size, beams) for this run only
     */
    public record Request(
            Path checkpoint,
            Path data,
            String split,
            List<Path> images,
            Path out,
            Integer beams,
            Device device,
            List<String> overrides) {
        public Request {
            overrides = List.copyOf(overrides);
        }

        public Request(
                Path checkpoint, Path data, String split, List<Path> images, Path out, Integer beams, Device device) {
            this(checkpoint, data, split, images, out, beams, device, List.of());
        }
    }

    /** Only a generate section, so that an override outside it is an unknown key naming itself. */
    record GenerateOnly(GenerateConfig generate) {}

    /**
     * The checkpoint's generate section with {@code generate.KEY=VALUE} overrides applied; an unknown
     * key, a key of another section or a bad value is an error naming the override.
     */
    public static GenerateConfig withOverrides(GenerateConfig base, List<String> overrides) {
        if (overrides.isEmpty()) return base;
        return ConfigLoader.parse("", "--set", GenerateOnly.class, new GenerateOnly(base), overrides)
                .generate();
    }

    /**
     * The outcome.
     *
     * @param seconds wall time of the generation loop (after loading the checkpoint and the index)
     * @param tokens new tokens in the best hypotheses, summed
     */
    public record Result(int reports, int beams, double seconds, long tokens, Path out) {
        public double msPerReport() {
            return reports == 0 ? Double.NaN : 1000 * seconds / reports;
        }
    }

    /**
     * Per study the training index whose report gives the GRPs, and its distance in the LRE's ball
     * (NaN without the LRE: then it is the baseline retrieval's top-1, the first memory index, as
     * validation during training takes it).
     */
    public record Retrieved(int[] train, float[] distance) {}

    public static Result run(Request r, PrintWriter stdout, Log log) {
        if (r.images() != null)
            for (Path p : r.images())
                if (!Files.isRegularFile(p)) throw new RevtafException("--image " + p + ": no such file");
        try (Inference inf = open(r, log)) {
            GenerateConfig gen = withOverrides(inf.generate(), r.overrides());
            int beams = r.beams() == null ? gen.beams() : r.beams();
            Dataset dataset;
            List<Study> studies;
            StudyFeatures source;
            if (r.images() != null) {
                dataset = ImageFiles.dataset(r.images());
                studies = dataset.split(Split.TEST);
                source = StudyFeatures.foundation(inf, dataset, "--image");
            } else {
                dataset = inf.givenIsTraining()
                        ? inf.trainingData()
                        : Datasets.open(
                                r.data(), Datasets.Where.DEFAULT, inf.data().onBadSample(), log::line);
                studies = studies(dataset, r.split(), r.data());
                source = source(inf, r.data(), dataset, studies, log);
            }
            List<String> lines = new ArrayList<>(studies.size());
            long t0 = System.nanoTime(), tokens = 0;
            BeamSearch.Options options = ReportDecoder.options(gen, beams, inf.model());
            BadSamples bad = new BadSamples(inf.data().onBadSample());
            try (Scope outer = Scope.open();
                    BatchLoader loader = BatchLoader.inOrder(dataset, studies, inf.data(), gen.batchSize(), bad);
                    Progress p = log.progress("generate", studies.size(), "reports")) {
                int done = 0;
                while (loader.hasNext()) {
                    BatchLoader.Batch b;
                    try (var ps = Profiler.stage("data loading")) {
                        b = loader.next();
                    }
                    try (Scope s = Scope.open()) {
                        StudyFeatures.Batch f;
                        Retrieved got;
                        try (var ps = Profiler.stage("features and retrieval")) {
                            f = source.of(b);
                            got = retrieve(inf, f);
                        }
                        List<ReportDecoder.Decoded> d = ReportDecoder.decode(
                                inf.model(), inputs(inf, b, f, got.train()), options, inf.tokenizer());
                        for (int i = 0; i < b.size(); i++) {
                            lines.add(line(b.studies().get(i).id(), d.get(i), inf, got, i));
                            tokens += d.get(i).best().tokens().length;
                        }
                    }
                    done += b.size();
                    p.update(done, null);
                }
            }
            if (bad.count() > 0) log.line("generate: skipped " + bad.count() + " studies whose image is unusable");
            double seconds = (System.nanoTime() - t0) / 1e9;
            String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
            if (r.out() != null) AtomicFile.writeString(r.out(), text);
            else {
                stdout.print(text);
                stdout.flush();
            }
            return new Result(lines.size(), beams, seconds, tokens, r.out());
        }
    }

    /** The checkpoint, its cache, data and foundation model (a profiled stage of its own). */
    private static Inference open(Request r, Log log) {
        try (var ps = Profiler.stage("loading the checkpoint")) {
            return Inference.open(r.checkpoint(), r.data(), r.device(), log);
        }
    }

    /** The studies of a split (train, val, test) or of all of them ("all"). */
    static List<Study> studies(Dataset d, String split, Path dir) {
        if (split.equals("all")) return d.all();
        List<Study> s = d.split(Split.parse(split, "--split"));
        if (s.isEmpty()) throw new RevtafException("--data " + dir + ": the " + split + " split has no studies");
        return s;
    }

    /** The features of --data's studies: the cache for the training data, else computed. */
    private static StudyFeatures source(Inference inf, Path dir, Dataset dataset, List<Study> studies, Log log) {
        if (inf.givenIsTraining()) return StudyFeatures.cached(inf);
        if (inf.oracle()) {
            Path findings = dir.resolve("findings.json");
            if (!Files.isRegularFile(findings))
                throw new RevtafException("--data " + dir + " is not the data " + inf.file() + " was trained on ("
                        + inf.trainingDir() + "), and that checkpoint was trained on an oracle cache: new data needs"
                        + " its ground truth, " + findings + ", which is missing (no foundation model exists)");
            log.line("generate: " + dir + " is new data; its features come from its ground truth " + findings
                    + " (an oracle checkpoint); retrieval from the training data " + inf.trainingDir());
            return StudyFeatures.oracle(inf, findings, studies);
        }
        log.line("generate: " + dir + " is new data; its features come from the foundation model, retrieval from"
                + " the training data " + inf.trainingDir());
        return StudyFeatures.foundation(inf, dataset, "--data " + dir + " (not the training data)");
    }

    /** The training report of each study whose GRPs condition FVTAF: LRE top-1, or the baseline's top-1. */
    public static Retrieved retrieve(Inference inf, StudyFeatures.Batch f) {
        int n = f.firstMemory().length;
        float[] dist = new float[n];
        if (inf.model().lre == null) {
            java.util.Arrays.fill(dist, Float.NaN);
            return new Retrieved(f.firstMemory().clone(), dist);
        }
        PoincareIndex.Neighbors nb = inf.lre().search(f.fLogit(), 1);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = nb.index()[i][0];
            dist[i] = nb.distance()[i][0];
        }
        return new Retrieved(idx, dist);
    }

    /** The model inputs: what the switched-on parts read (CONTRACTS.md). */
    public static RevtafModel.Inputs inputs(Inference inf, BatchLoader.Batch b, StudyFeatures.Batch f, int[] grpTrain) {
        RevtafModel model = inf.model();
        Device dev = inf.device();
        int crop = inf.data().crop();
        boolean fvtaf = model.config().fvtaf();
        Tensor images = Tensor.of(dev, b.images(), b.size(), 3, crop, crop); // (B, 3, H, W)
        return new RevtafModel.Inputs(
                images,
                model.config().lre() ? f.fLogit() : null,
                fvtaf ? f.lrp() : null,
                fvtaf ? inf.features().grp(dev, grpTrain) : null,
                fvtaf ? inf.features().grpMask(dev, grpTrain) : null,
                f.memory());
    }

    /** One output line. */
    static String line(String id, ReportDecoder.Decoded d, Inference inf, Retrieved got, int i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("report", d.report());
        ArrayNode labels = o.putArray("labels");
        for (long s : d.statuses()) labels.add(STATUS[(int) s]);
        o.put("retrieved_id", inf.trainStudy(got.train()[i]).id());
        if (Float.isNaN(got.distance()[i])) o.putNull("retrieved_distance");
        else o.put("retrieved_distance", got.distance()[i]);
        return o.toString();
    }

    /** A one-line summary for stderr. */
    public static String summary(Result r) {
        return String.format(
                Locale.ROOT,
                "generate: %d reports (beam %d) in %.1f s, %.1f ms per report, %.1f new tokens per report%s",
                r.reports(),
                r.beams(),
                r.seconds(),
                r.msPerReport(),
                r.reports() == 0 ? 0.0 : (double) r.tokens() / r.reports(),
                r.out() == null ? "" : "; wrote " + r.out());
    }
}
