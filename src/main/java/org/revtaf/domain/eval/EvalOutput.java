package org.revtaf.domain.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;

/** Renders {@link Evaluation.Scores}: the printed table, the JSON object and the CSV files. */
public final class EvalOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalOutput() {}

    /** The headline metrics, in the contract's key order; CE values are NaN when not computed. */
    public static Map<String, Double> headline(Evaluation.Scores s) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < 4; k++) m.put("BLEU_" + (k + 1), s.bleu().corpus()[k]);
        m.put("METEOR", s.meteor().corpus());
        m.put("ROUGE_L", s.rouge().corpus());
        m.put("CIDEr", s.cider().corpus());
        ClinicalEfficacy.Result ce = s.ce();
        m.put("CE_P", ce == null ? Double.NaN : ce.p());
        m.put("CE_R", ce == null ? Double.NaN : ce.r());
        m.put("CE_F1", ce == null ? Double.NaN : ce.f1());
        return m;
    }

    private static String f(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.4f", x);
    }

    /** The human-readable table. */
    public static String table(Evaluation.Scores s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%d reports; prediction post-processing %s; references cleaning: %s; METEOR modules: %s"
                        + " (function words: %s)%n",
                s.ids().size(),
                s.options().postprocess() ? "on" : "off",
                s.options().refsCleaning(),
                s.options().meteor().modulesRun(),
                s.options().meteor().functionWordsSource()));
        for (Map.Entry<String, Double> e : headline(s).entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-8s %s%n", e.getKey(), f(e.getValue())));
        }
        ClinicalEfficacy.Result ce = s.ce();
        if (ce == null) return sb.append("(clinical efficacy not computed)\n").toString();
        sb.append(String.format(
                Locale.ROOT, "%n%-27s %7s %7s %7s %7s %7s%n", "class", "support", "pred", "P", "R", "F1"));
        for (ClinicalEfficacy.ClassScore c : ce.perClass()) sb.append(row(c));
        sb.append(row(ce.micro())).append(row(ce.macro()));
        return sb.toString();
    }

    private static String row(ClinicalEfficacy.ClassScore c) {
        return String.format(
                Locale.ROOT,
                "%-27s %7d %7d %7s %7s %7s%n",
                c.name(),
                c.support(),
                c.predicted(),
                f(c.p()),
                f(c.r()),
                f(c.f1()));
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key);
        else o.put(key, v);
    }

    private static ObjectNode classNode(ClinicalEfficacy.ClassScore c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("P", c.p());
        o.put("R", c.r());
        o.put("F1", c.f1());
        o.put("support", c.support());
        o.put("predicted", c.predicted());
        o.put("tp", c.tp());
        o.put("fp", c.fp());
        o.put("fn", c.fn());
        return o;
    }

    /** One JSON object: the contract's keys, then CE_micro, CE_macro, CE_per_class and run facts. */
    public static String json(Evaluation.Scores s) {
        ObjectNode o = JSON.createObjectNode();
        headline(s).forEach((k, v) -> put(o, k, v));
        ClinicalEfficacy.Result ce = s.ce();
        if (ce == null) {
            o.putNull("CE_micro");
            o.putNull("CE_macro");
            o.putNull("CE_per_class");
        } else {
            o.set("CE_micro", classNode(ce.micro()));
            o.set("CE_macro", classNode(ce.macro()));
            ObjectNode per = o.putObject("CE_per_class");
            for (ClinicalEfficacy.ClassScore c : ce.perClass()) per.set(c.name(), classNode(c));
        }
        o.put("reports", s.ids().size());
        o.put("postprocess", s.options().postprocess());
        o.put("refs_cleaning", s.options().refsCleaning().name());
        o.put("METEOR_modules", s.options().meteor().modulesRun());
        o.put("METEOR_function_words", s.options().meteor().functionWordsSource());
        return o.toString();
    }

    /** metrics.csv, per_class.csv and per_report.csv in {@code dir}, each written atomically. */
    public static void writeCsvs(Evaluation.Scores s, Path dir) {
        StringBuilder metrics = new StringBuilder("metric,value\n");
        headline(s).forEach((k, v) -> metrics.append(csvRow(k, Double.isNaN(v) ? "" : v)));
        StringBuilder perClass = new StringBuilder("class,support,predicted,tp,fp,fn,precision,recall,f1\n");
        if (s.ce() != null) {
            var all = new java.util.ArrayList<>(s.ce().perClass());
            all.add(s.ce().micro());
            all.add(s.ce().macro());
            for (ClinicalEfficacy.ClassScore c : all)
                perClass.append(
                        csvRow(c.name(), c.support(), c.predicted(), c.tp(), c.fp(), c.fn(), c.p(), c.r(), c.f1()));
        }
        StringBuilder perReport =
                new StringBuilder("id,BLEU_1,BLEU_2,BLEU_3,BLEU_4,METEOR,ROUGE_L,CIDEr,CE_P,CE_R,CE_F1\n");
        for (int i = 0; i < s.ids().size(); i++) {
            perReport.append(csvCell(s.ids().get(i)));
            for (double b : s.bleu().perReport()[i]) perReport.append(',').append(b);
            perReport.append(',').append(s.meteor().perReport()[i]);
            perReport.append(',').append(s.rouge().perReport()[i]);
            perReport.append(',').append(s.cider().perReport()[i]);
            for (int k = 0; k < 3; k++)
                perReport.append(',').append(s.ce() == null ? "" : s.ce().perReport()[i][k]);
            perReport.append('\n');
        }
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new RevtafException("--out " + dir + ": exists and is not a folder");
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(dir.resolve("metrics.csv"), metrics.toString().getBytes(StandardCharsets.UTF_8));
        files.put(dir.resolve("per_class.csv"), perClass.toString().getBytes(StandardCharsets.UTF_8));
        files.put(dir.resolve("per_report.csv"), perReport.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFile.writeAll(files);
    }

    /** One CSV line: the cells as {@link String#valueOf} writes them, comma-separated. */
    private static String csvRow(Object... cells) {
        StringJoiner row = new StringJoiner(",", "", "\n");
        for (Object c : cells) row.add(String.valueOf(c));
        return row.toString();
    }

    private static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
