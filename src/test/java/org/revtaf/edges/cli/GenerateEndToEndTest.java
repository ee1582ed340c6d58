package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.demo.MostFrequentReport;

/**
 * The product end to end on a small synthetic set, through the command line as a user runs it:
 * synth -> pretrain -> precompute -> train -> generate -> evaluate (config
 * src/test/resources/org/revtaf/edges/pipeline/generate/e2e.yaml, about a minute on 2 idle cores). The
 * training loss falls, and the generated test reports beat the most-frequent-training-report
 * baseline on BLEU-4 and CE F1.
 * The baseline is {@link MostFrequentReport}.
 */
class GenerateEndToEndTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = new ObjectMapper();

    static CliRun ok(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void synthPretrainPrecomputeTrainGenerateEvaluate() throws Exception {
        String cfg = StageFixtures.resource("/org/revtaf/edges/pipeline/generate/e2e.yaml")
                .toString();
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
        String most = MostFrequentReport.of(d.split(Split.TRAIN));
        StringBuilder b = new StringBuilder();
        for (Study s : d.split(Split.TEST))
            b.append(JSON.createObjectNode().put("id", s.id()).put("report", most))
                    .append('\n');
        Files.writeString(base, b.toString());
        String refs = data.resolve("annotation.json").toString();
        JsonNode model = ok("evaluate", "--refs", refs, "--hyps", out.toString(), "--json")
                .lastJson();
        JsonNode baseline = ok("evaluate", "--refs", refs, "--hyps", base.toString(), "--json")
                .lastJson();
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
}
