package org.revtaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.data.BadSamplePolicy;
import org.revtaf.data.Dataset;
import org.revtaf.data.Datasets;
import org.revtaf.data.Split;
import org.revtaf.data.Study;
import org.revtaf.text.ClinicalSentence;

/**
 * The product end to end on a small synthetic set, through the command line as a user runs it:
 * synth -> pretrain -> precompute -> train -> generate -> evaluate (config
 * src/test/resources/org/revtaf/pipeline/generate/e2e.yaml, about a minute on 2 idle cores). The
 * training loss falls, and the generated test reports beat the most-frequent-training-report
 * baseline on BLEU-4 and CE F1.
 *
 * <p>The baseline writes one training report for every test study: the most frequent one. No
 * synthetic report repeats, so the tie between all of them goes to the most typical report, the one
 * whose sentences are the most frequent among the training reports' sentences (mean over its
 * sentences): a short normal report, which scores well on CE for the normal studies (about a third).
 */
class GenerateEndToEndTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = new ObjectMapper();

    static Path config() {
        try {
            return Path.of(GenerateEndToEndTest.class
                    .getResource("/org/revtaf/pipeline/generate/e2e.yaml")
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrecomputeCommandTest.Result ok(String... args) {
        PrecomputeCommandTest.Result r = PrecomputeCommandTest.run(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    static JsonNode lastJson(PrecomputeCommandTest.Result r) throws Exception {
        return JSON.readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void synthPretrainPrecomputeTrainGenerateEvaluate() throws Exception {
        String cfg = config().toString();
        Path data = dir.resolve("data"), foundation = dir.resolve("foundation"), cache = dir.resolve("cache");
        Path run = dir.resolve("run"), out = dir.resolve("test.jsonl"), base = dir.resolve("baseline.jsonl");
        ok("synth", "--out", data.toString(), "--studies", "640", "--size", "64", "--seed", "1");
        ok("pretrain", "--config", cfg, "--data", data.toString(), "--out", foundation.toString());
        ok(
                "precompute",
                "--config",
                cfg,
                "--data",
                data.toString(),
                "--foundation",
                foundation.resolve("foundation.safetensors").toString(),
                "--out",
                cache.toString());
        ok("train", "--config", cfg, "--data", data.toString(), "--cache", cache.toString(), "--out", run.toString());
        ok(
                "generate",
                "--checkpoint",
                run.resolve("best.safetensors").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString());

        // the training loss falls: the mean of the last logged rows well below the first row's
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv"))
                .subList(1, Files.readAllLines(run.resolve("metrics.csv")).size())) {
            String[] c = line.split(",", -1);
            if (!c[3].isEmpty()) losses.add(Double.parseDouble(c[3]));
        }
        double first = losses.getFirst();
        double last = losses.subList(losses.size() - 3, losses.size()).stream()
                .mapToDouble(x -> x)
                .average()
                .orElseThrow();
        assertTrue(last < 0.8 * first, "training loss " + first + " -> " + last);

        Dataset d = Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {});
        String most = mostFrequentReport(d.split(Split.TRAIN));
        StringBuilder b = new StringBuilder();
        for (Study s : d.split(Split.TEST))
            b.append(JSON.createObjectNode().put("id", s.id()).put("report", most))
                    .append('\n');
        Files.writeString(base, b.toString());
        String refs = data.resolve("annotation.json").toString();
        JsonNode model = lastJson(ok("evaluate", "--refs", refs, "--hyps", out.toString(), "--json"));
        JsonNode baseline = lastJson(ok("evaluate", "--refs", refs, "--hyps", base.toString(), "--json"));
        String table = String.format(
                Locale.ROOT,
                "model BLEU_4 %.4f CE_F1 %.4f vs baseline BLEU_4 %.4f CE_F1 %.4f (\"%s\")",
                model.get("BLEU_4").asDouble(),
                model.get("CE_F1").asDouble(),
                baseline.get("BLEU_4").asDouble(),
                baseline.get("CE_F1").asDouble(),
                most);
        System.err.println("GenerateEndToEndTest: " + table);
        assertTrue(model.get("BLEU_4").asDouble() > baseline.get("BLEU_4").asDouble(), table);
        assertTrue(model.get("CE_F1").asDouble() > baseline.get("CE_F1").asDouble(), table);
    }

    /**
     * The most frequent training report; ties (no synthetic report repeats) to the one whose
     * sentences are on average the most frequent, then to the first.
     */
    static String mostFrequentReport(List<Study> train) {
        Map<String, Integer> reports = new HashMap<>(), sentences = new HashMap<>();
        for (Study s : train) {
            reports.merge(s.report(), 1, Integer::sum);
            for (ClinicalSentence c : ClinicalSentence.split(s.report())) sentences.merge(key(c), 1, Integer::sum);
        }
        Comparator<Study> byCount = Comparator.comparingInt(s -> reports.get(s.report()));
        Comparator<Study> byTypical = Comparator.comparingDouble(s -> ClinicalSentence.split(s.report()).stream()
                .mapToInt(c -> sentences.get(key(c)))
                .average()
                .orElse(0));
        Study best = train.getFirst();
        for (Study s : train) if (byCount.thenComparing(byTypical).compare(s, best) > 0) best = s;
        return best.report();
    }

    private static String key(ClinicalSentence c) {
        return c.text.toLowerCase(Locale.ROOT).strip();
    }
}
