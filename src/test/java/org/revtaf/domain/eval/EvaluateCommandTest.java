package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.cli.CliRun;

/** {@code revtaf evaluate} end to end through the CLI. */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    /** {@code revtaf evaluate --refs REFS --hyps HYPS MORE...}. */
    static CliRun evaluate(Path refs, Path hyps, String... more) {
        return CliRun.run(List.of("evaluate", "--refs", refs.toString(), "--hyps", hyps.toString()), more);
    }

    /** The JSON object of {@code evaluate --json} with {@code more} arguments. */
    static JsonNode scores(Path refs, Path hyps, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--json"));
        args.addAll(List.of(more));
        CliRun r = evaluate(refs, hyps, args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static final String HEADER = "id,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
            + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
            + "Support Devices,No Finding\n";

    @Test
    void jsonHasTheContractKeysAndTheRegressionScores() throws Exception {
        Path refs = NlgRegressionTest.resource("regression_refs.jsonl");
        Path hyps = NlgRegressionTest.resource("regression_hyps.jsonl");
        CliRun r = evaluate(refs, hyps, "--json", "--no-ce");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode exp = new ObjectMapper()
                .readTree(NlgRegressionTest.resource("regression_expected.json").toFile());
        for (String k : List.of("BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr")) {
            assertEquals(exp.get(k).asDouble(), j.get(k).asDouble(), 1e-12, k);
        }
        for (String k : List.of("METEOR", "CE_P", "CE_R", "CE_F1", "CE_micro", "CE_macro", "CE_per_class")) {
            assertTrue(j.has(k), k);
        }
        assertTrue(j.get("METEOR").asDouble() > 0 && j.get("METEOR").asDouble() < 1);
        assertEquals("exact stem synonym", j.get("METEOR_modules").asText());
        assertEquals(
                Meteor.SHIPPED_FUNCTION_WORDS, j.get("METEOR_function_words").asText());
    }

    @Test
    void annotationJsonLabelCsvsAndCsvOutput() throws Exception {
        Path ann = write(
                "annotation.json",
                "{\"train\": [{\"id\": \"t\", \"report\": \"x .\"}], \"test\": ["
                        + "{\"id\": \"a\", \"report\": \"heart size is normal .\"},"
                        + "{\"id\": \"b\", \"report\": \"there is mild cardiomegaly .\"}]}");
        Path hyps = write(
                "hyps.jsonl",
                "{\"id\": \"b\", \"report\": \"there is cardiomegaly.\"}\n\n"
                        + "{\"id\": \"a\", \"report\": \"heart size is normal.\"}\n");
        // a: gt no finding, pred no finding; b: gt cardiomegaly + edema, pred cardiomegaly
        Path gl = write("ref.csv", HEADER + "a,,,,,,,,,,,,,,1.0\nb,,1.0,,,1.0,,,,,,,,,\n");
        Path hl = write("hyp.csv", HEADER + "b,,1.0,,,-1.0,,,,,,,,,\na,,,,,,,,,,,,,,1.0\n");
        Path out = dir.resolve("out");
        CliRun r = evaluate(
                ann,
                hyps,
                "--ref-labels",
                gl.toString(),
                "--hyp-labels",
                hl.toString(),
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        // a: 1/1/1; b: tp 1, fn 1 -> P 1, R 0.5, F1 1/1.5
        assertEquals(1.0, j.get("CE_P").asDouble(), 1e-15);
        assertEquals(0.75, j.get("CE_R").asDouble(), 1e-15);
        assertEquals((1 + 1 / 1.5) / 2, j.get("CE_F1").asDouble(), 1e-15);
        assertEquals(1, j.get("CE_per_class").get("Cardiomegaly").get("tp").asInt());
        assertEquals(1, j.get("CE_per_class").get("Edema").get("support").asInt());
        assertEquals(2.0 / 3.0, j.get("CE_micro").get("R").asDouble(), 1e-15);
        for (String f : List.of("metrics.csv", "per_class.csv", "per_report.csv"))
            assertTrue(Files.exists(out.resolve(f)));
        try (var files = Files.list(out)) {
            assertEquals(3, files.count(), "no temporary files left behind");
        }
        List<String> perReport = Files.readAllLines(out.resolve("per_report.csv"));
        assertEquals(3, perReport.size());
        assertTrue(perReport.get(1).startsWith("a,"));
        assertTrue(Files.readString(out.resolve("metrics.csv")).contains("CE_F1,"));
    }

    @Test
    void ceUsesTheProjectLabelerOnBothSides() throws Exception {
        // hypotheses identical to the references: every report with at least one positive label
        // scores P = R = F1 = 1, every other report 0 (nan -> 0), so CE_F1 = share of reports with a
        // positive finding according to the labeler.
        Path refs = NlgRegressionTest.resource("regression_refs.jsonl");
        CliRun r = evaluate(refs, refs, "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> texts = org.revtaf.domain.text.ReportSource.read(refs, "test").stream()
                .map(org.revtaf.domain.text.ReportSource.Report::text)
                .toList();
        boolean[][] pos = ClinicalEfficacy.label(org.revtaf.domain.text.Labelers.standard(), texts);
        long withPositive = java.util.Arrays.stream(pos)
                .filter(p -> {
                    for (boolean b : p) if (b) return true;
                    return false;
                })
                .count();
        assertTrue(withPositive > 0, "the corpus mentions findings");
        assertEquals((double) withPositive / texts.size(), j.get("CE_F1").asDouble(), 1e-12);
        assertEquals(j.get("CE_F1").asDouble(), j.get("CE_P").asDouble(), 1e-15);
        assertEquals(1.0, j.get("CE_micro").get("F1").asDouble(), 1e-15);
        assertEquals(0, j.get("CE_micro").get("fp").asInt());
    }

    @Test
    void referencesCanBeCleanedLikePromptMrg() throws Exception {
        // raw "Heart size is normal." cleans to "heart size is normal ." which equals the
        // post-processed hypothesis "heart size is normal . " up to ROUGE-L's trailing empty token
        Path refs = write(
                "r.jsonl",
                "{\"id\": \"a\", \"report\": \"Heart size is normal.\"}\n"
                        + "{\"id\": \"b\", \"report\": \"No  effusion.\\nStable.\"}\n");
        Path hyps = write(
                "h.jsonl",
                "{\"id\": \"a\", \"report\": \"heart size is normal.\"}\n"
                        + "{\"id\": \"b\", \"report\": \"no effusion. stable.\"}\n");
        JsonNode raw = scores(refs, hyps, "--no-ce");
        JsonNode clean = scores(refs, hyps, "--no-ce", "--clean-refs", "promptmrg");
        assertEquals(1.0, clean.get("BLEU_1").asDouble(), 1e-8);
        assertTrue(raw.get("BLEU_1").asDouble() < 0.9);
    }

    @Test
    void annotationReferencesAreCleanedLikePromptMrgByDefaultAndJsonlOnesAreNot() throws Exception {
        // raw MIMIC-style text: upper case, a newline, a double space; the hypothesis is already clean
        String raw = "Heart size is normal.\\nNo  effusion.";
        Path ann = write("annotation.json", "{\"test\": [{\"id\": \"a\", \"report\": \"" + raw + "\"}]}");
        Path jsonl = write("r.jsonl", "{\"id\": \"a\", \"report\": \"" + raw + "\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": \"a\", \"report\": \"heart size is normal. no effusion.\"}\n");
        ObjectMapper m = new ObjectMapper();
        JsonNode auto = scores(ann, hyps, "--no-ce");
        assertEquals("promptmrg", auto.get("refs_cleaning").asText());
        // cleaned: "heart size is normal . no effusion ." = post-processed hypothesis minus its trailing space
        assertEquals(1.0, auto.get("BLEU_4").asDouble(), 1e-6);
        JsonNode asGiven = scores(ann, hyps, "--no-ce", "--clean-refs", "none");
        assertEquals("none", asGiven.get("refs_cleaning").asText());
        assertTrue(asGiven.get("BLEU_1").asDouble() < 0.5, asGiven.toString());
        JsonNode fromJsonl = scores(jsonl, hyps, "--no-ce");
        assertEquals("none", fromJsonl.get("refs_cleaning").asText());
        assertEquals(asGiven.get("BLEU_1").asDouble(), fromJsonl.get("BLEU_1").asDouble(), 1e-15);
        CliRun table = evaluate(ann, hyps, "--no-ce");
        assertTrue(table.out().contains("references cleaning: promptmrg"), table.out());
        assertTrue(evaluate(jsonl, hyps, "--no-ce").out().contains("references cleaning: none"));
        CliRun help = CliRun.run("evaluate", "--help");
        assertTrue(help.out().contains("auto") && help.out().contains("my_pre_caption"), help.out());
    }

    @Test
    void noCeWithLabelFilesIsAUsageError() throws Exception {
        Path refs = write("r.jsonl", "{\"id\": \"a\", \"report\": \"x\"}\n");
        Path labels = write("l.csv", HEADER + "a,,,,,,,,,,,,,,1.0\n");
        for (String[] extra : new String[][] {
            {"--no-ce", "--ref-labels", labels.toString(), "--hyp-labels", labels.toString()},
            {"--no-ce", "--hyp-labels", labels.toString()}
        }) {
            CliRun r = evaluate(refs, refs, extra).assertFails(2, "--no-ce", "--ref-labels/--hyp-labels");
            assertTrue(r.out().isEmpty(), r.out());
        }
    }

    @Test
    void reportFilesForLabelOnlyAreRefusedClearly() throws Exception {
        Path txt = write("r.txt", "heart size is normal .\n");
        Path good = write("g.jsonl", "{\"id\": \"1\", \"report\": \"x\"}\n");
        evaluate(txt, good, "--no-ce").assertFails(1, "r.txt: .txt input is read by 'label' only");
    }

    @Test
    void tableIsPrinted() throws Exception {
        Path refs = write("r.jsonl", "{\"id\": 1, \"report\": \"the lungs are clear .\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": 1, \"report\": \"the lungs are clear.\"}\n");
        CliRun r = evaluate(refs, hyps, "--no-ce");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("BLEU_4"));
        assertTrue(r.out().contains("METEOR modules: exact stem synonym (function words: english.words"), r.out());
    }

    @Test
    void outPointingAtAFileOrHoldingAFolderNamedLikeACsvIsAnErrorAndWritesNothing() throws Exception {
        Path refs = write("r.jsonl", "{\"id\": 1, \"report\": \"the lungs are clear .\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": 1, \"report\": \"the lungs are clear.\"}\n");
        Path file = write("plain.txt", "keep me");
        evaluate(refs, hyps, "--no-ce", "--out", file.toString())
                .assertFails(1, "--out " + file + ": exists and is not a folder");
        assertEquals("keep me", Files.readString(file));
        // per_report.csv is a folder: metrics.csv written earlier must not be replaced either
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("per_report.csv"));
        Files.writeString(out.resolve("metrics.csv"), "old");
        evaluate(refs, hyps, "--no-ce", "--out", out.toString()).assertFails(1, "per_report.csv: is a directory");
        assertEquals("old", Files.readString(out.resolve("metrics.csv")));
        try (var s = Files.list(out)) {
            assertEquals(2, s.count(), "no temporary files left behind");
        }
        // once writable, the CSVs get the usual permissions (umask), not a temporary file's owner-only ones
        Files.delete(out.resolve("per_report.csv"));
        assertEquals(0, evaluate(refs, hyps, "--no-ce", "--out", out.toString()).status());
        assertEquals(Files.getPosixFilePermissions(file), Files.getPosixFilePermissions(out.resolve("metrics.csv")));
    }

    @Test
    void aBadFunctionWordListIsAClearError() throws Exception {
        Path refs = write("r.jsonl", "{\"id\": 1, \"report\": \"the lungs are clear .\"}\n");
        Path fw = dir.resolve("fw.txt");
        Files.write(fw, new byte[] {'t', 'h', 'e', '\n', (byte) 0xff, '\n'});
        evaluate(refs, refs, "--no-ce", "--meteor-function-words", fw.toString())
                .assertFails(1, fw + ":2: not valid UTF-8 text");
        evaluate(refs, refs, "--no-ce", "--meteor-function-words", dir.toString())
                .assertFails(1, dir + ": is a folder, not a function-word list");
        // a list saved with Windows line ends scores like the same list with '\n' ends
        Path hyps = write("h.jsonl", "{\"id\": 1, \"report\": \"the heart is clear are .\"}\n");
        Files.writeString(fw, "the\nare\nis\n");
        String lf = evaluate(refs, hyps, "--no-ce", "--json", "--meteor-function-words", fw.toString())
                .out();
        Files.writeString(fw, "the\r\nare\r\nis\r\n");
        String crlf = evaluate(refs, hyps, "--no-ce", "--json", "--meteor-function-words", fw.toString())
                .out();
        String none = evaluate(refs, hyps, "--no-ce", "--json").out();
        assertTrue(lf.contains("\"METEOR\""), lf);
        assertEquals(meteor(lf), meteor(crlf));
        assertTrue(meteor(lf) != meteor(none), lf + " vs " + none);
    }

    /** {@code evaluate --refs R --hyps H --no-ce EXTRA...}. */
    static CliRun nlgOnly(Path refs, Path hyps, String... extra) {
        List<String> args = new java.util.ArrayList<>(
                List.of("evaluate", "--refs", refs.toString(), "--hyps", hyps.toString(), "--no-ce"));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void meteorModulesAreSelectableAndBadListsAreUsageErrors() throws Exception {
        // "large" / "big" are WordNet synonyms, "effusions" / "effusion" share a stem
        Path refs = write("r.jsonl", "{\"id\": 1, \"report\": \"big right effusion .\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": 1, \"report\": \"large right effusions.\"}\n");
        ObjectMapper m = new ObjectMapper();
        java.util.Map<String, Double> score = new java.util.HashMap<>();
        for (String modules : List.of("exact", "exact,stem", "exact stem synonym")) {
            CliRun r = nlgOnly(refs, hyps, "--json", "--meteor-modules", modules);
            assertEquals(0, r.status(), r.err());
            JsonNode j = m.readTree(r.out());
            assertEquals(modules.replace(',', ' '), j.get("METEOR_modules").asText());
            score.put(modules, j.get("METEOR").asDouble());
        }
        assertTrue(score.get("exact") < score.get("exact,stem"), score.toString());
        assertTrue(score.get("exact,stem") < score.get("exact stem synonym"), score.toString());
        CliRun table = nlgOnly(refs, hyps, "--meteor-modules", "exact");
        assertTrue(table.out().contains("METEOR modules: exact (function words"), table.out());
        for (String[] bad : new String[][] {
            {"exact,paraphrase", "paraphrase' is not available"},
            {"exact,wordnet", "unknown module 'wordnet'"},
            {"", "no module"}
        }) {
            CliRun r = nlgOnly(refs, hyps, "--meteor-modules", bad[0]).assertFails(2, "--meteor-modules", bad[1]);
            assertFalse(r.err().contains("Exception"), r.err());
            assertTrue(r.out().isEmpty(), r.out());
        }
    }

    @Test
    void aFunctionWordFileReplacesTheShippedList() throws Exception {
        Path refs = write("r.jsonl", "{\"id\": 1, \"report\": \"the lungs are clear .\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": 1, \"report\": \"the heart is clear.\"}\n");
        Path shipped = dir.resolve("english.words");
        try (var in = MeteorSynonyms.class.getResourceAsStream("/org/revtaf/domain/eval/meteor/english.words")) {
            Files.write(shipped, in.readAllBytes());
        }
        Path empty = write("none.txt", "\n");
        ObjectMapper m = new ObjectMapper();
        JsonNode byDefault = m.readTree(nlgOnly(refs, hyps, "--json").out());
        JsonNode sameList = m.readTree(nlgOnly(refs, hyps, "--json", "--meteor-function-words", shipped.toString())
                .out());
        JsonNode noList = m.readTree(nlgOnly(refs, hyps, "--json", "--meteor-function-words", empty.toString())
                .out());
        assertEquals(byDefault.get("METEOR").asDouble(), sameList.get("METEOR").asDouble(), 0.0);
        assertEquals(shipped.toString(), sameList.get("METEOR_function_words").asText());
        // "the", "." and "is" are function words in the shipped list: without a list the matched "the"
        // and "." weigh as much as content words
        assertTrue(noList.get("METEOR").asDouble() > byDefault.get("METEOR").asDouble(), noList + " " + byDefault);
    }

    private static double meteor(String json) {
        int i = json.indexOf("\"METEOR\":") + 9;
        int j = i;
        while (j < json.length() && ",}".indexOf(json.charAt(j)) < 0) j++;
        return Double.parseDouble(json.substring(i, j));
    }

    @Test
    void missingAndExtraIdsAreErrorsNamingTheId() throws Exception {
        Path refs = write("r.jsonl", "{\"id\": \"a\", \"report\": \"x\"}\n{\"id\": \"b\", \"report\": \"y\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": \"a\", \"report\": \"x\"}\n");
        evaluate(refs, hyps, "--no-ce").assertFails(1, "'b'");
        evaluate(hyps, refs, "--no-ce").assertFails(1, "'b'", "no reference");
    }

    @Test
    void badInputsAreClearErrors() throws Exception {
        Path good = write("g.jsonl", "{\"id\": \"a\", \"report\": \"x\"}\n");
        Path dup = write("d.jsonl", "{\"id\": \"a\", \"report\": \"x\"}\n{\"id\": \"a\", \"report\": \"y\"}\n");
        Path empty = write("e.jsonl", "\n");
        Path bad = dir.resolve("b.jsonl");
        byte[] head = "{\"id\": \"a\", \"report\": \"x\"}\n{\"id\": \"b\", \"report\": \"".getBytes();
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = '"';
        bytes[head.length + 2] = '}';
        Files.write(bad, bytes);
        Path noKey = write("k.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n");
        Path ann = write("annotation.json", "{\"train\": []}");
        String[][] cases = {
            {dup.toString(), "d.jsonl:2: duplicate id 'a'"},
            {empty.toString(), "no reports"},
            {bad.toString(), "b.jsonl:2: not valid UTF-8"},
            {noKey.toString(), "k.jsonl:1: missing key \"report\""},
            {ann.toString(), "no split 'test'"},
            {dir.resolve("none.jsonl").toString(), "no such file"},
            {dir.toString(), dir + ": is a folder, not a report file"},
            {"", "an empty file name"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.run("evaluate", "--refs", c[0], "--hyps", good.toString(), "--no-ce")
                    .assertFails(1, c[1]);
            assertFalse(r.err().contains("Exception"), r.err());
        }
        evaluate(good, good, "--ref-labels", good.toString())
                .assertFails(2, "--hyp-labels"); // one label file without the other is bad usage
    }

    @Test
    void postprocessingCanBeTurnedOff() throws Exception {
        // with post-processing "a b." becomes "a b . " (4 split(" ") tokens: a, b, ., '') vs "a b ." (3):
        // LCS 3, P 3/4, R 1: ROUGE-L = 2.44 * 0.75 / (1 + 1.08) = 0.879808; without it "a b." vs
        // "a b .": tokens a, "b." vs a, b, . -> LCS 1, P 1/2, R 1/3 -> 2.44/6 / (1/3 + 0.72) = 0.386076
        Path refs = write("r.jsonl", "{\"id\": \"a\", \"report\": \"a b .\"}\n{\"id\": \"b\", \"report\": \"c\"}\n");
        Path hyps = write("h.jsonl", "{\"id\": \"a\", \"report\": \"a b.\"}\n{\"id\": \"b\", \"report\": \"c\"}\n");
        JsonNode on = scores(refs, hyps, "--no-ce");
        JsonNode off = scores(refs, hyps, "--no-ce", "--no-postprocess");
        // report b: "c" becomes "c " -> [c, ''] vs [c]: P 1/2, R 1 -> 1.22 / 1.72
        double fa = 2.44 * 0.75 / (1 + 1.44 * 0.75);
        double fb = 2.44 * 0.5 / (1 + 1.44 * 0.5);
        assertEquals((fa + fb) / 2, on.get("ROUGE_L").asDouble(), 1e-12);
        assertEquals(
                (2.44 / 6 / (1.0 / 3 + 1.44 / 2) + 1.0) / 2, off.get("ROUGE_L").asDouble(), 1e-12);
    }
}
