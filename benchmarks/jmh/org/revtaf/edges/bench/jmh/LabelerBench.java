package org.revtaf.edges.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportLabeler;

/**
 * Throughput of the rule labeler on {@code n} MIMIC-style reports (4-8 sentences drawn from a pool
 * of findings/impression sentences, fixed seed). Benchmarks, one operation = all n reports:
 * <ul>
 *   <li>{@code labelParallel}: {@code labelAll} (parallel over reports, common pool);
 *   <li>{@code labelOneThread}: the same labeler on one thread;
 *   <li>{@code regexMentionsBaseline}: the named baseline, CheXpert-labeler-style mention extraction
 *       only (one compiled regex per phrase, {@code find()} over every sentence, no negation).
 * </ul>
 *
 * <pre>
 * ./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 1 -i 3 LabelerBench"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class LabelerBench {
    static final String[] POOL = {
        "PA and lateral views of the chest.",
        "The lungs are clear without focal consolidation, effusion, or pneumothorax.",
        "Heart size is normal.",
        "Mediastinal and hilar contours are unremarkable.",
        "No pleural effusion or pneumothorax.",
        "There is mild bibasilar atelectasis but no focal consolidation.",
        "Moderate cardiomegaly is unchanged.",
        "Left basilar opacity, likely atelectasis, though pneumonia cannot be excluded.",
        "Endotracheal tube terminates 4 cm above the carina.",
        "Enteric tube courses below the diaphragm with tip in the stomach.",
        "Right internal jugular central venous catheter tip in the mid SVC.",
        "Small bilateral pleural effusions are slightly smaller.",
        "Mild pulmonary vascular congestion without frank edema.",
        "No acute osseous abnormality.",
        "Multilevel degenerative changes of the thoracic spine.",
        "The aorta is tortuous and calcified.",
        "Low lung volumes with bronchovascular crowding.",
        "The cardiomediastinal silhouette is stable.",
        "No new focal consolidation to suggest pneumonia.",
        "Retrocardiac opacity may represent atelectasis or pneumonia.",
        "The previously seen right pneumothorax is no longer visualized.",
        "Interval removal of the left chest tube.",
        "Elevation of the right hemidiaphragm is unchanged.",
        "A 1.5 cm nodule is seen in the right upper lobe.",
        "No acute cardiopulmonary process.",
    };

    @Param({"100000"})
    int n;

    List<String> reports;
    ReportLabeler labeler;
    List<Pattern> phrasePatterns;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        reports = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder("FINDINGS: ");
            int k = 4 + r.nextInt(5);
            for (int j = 0; j < k; j++) b.append(POOL[r.nextInt(POOL.length)]).append(' ');
            reports.add(b.toString());
        }
        labeler = Labelers.standard();
        labeler.label("warm up the shared rules");
        phrasePatterns = new ArrayList<>();
        for (String phrase : chexpertPhrases()) phrasePatterns.add(Pattern.compile(Pattern.quote(phrase)));
    }

    /** The CheXpert mention phrases ('_' = space), read from the shipped lists. */
    static List<String> chexpertPhrases() {
        List<String> out = new ArrayList<>();
        for (String f : new String[] {
            "atelectasis", "cardiomegaly", "consolidation", "edema", "enlarged_cardiomediastinum", "fracture",
            "lung_lesion", "lung_opacity", "no_finding", "pleural_effusion", "pleural_other", "pneumonia",
            "pneumothorax", "support_devices"
        }) {
            try (var in = LabelClass.class.getResourceAsStream("chexpert-phrases/mention/" + f + ".txt")) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    String p = line.strip().replace('_', ' ');
                    if (!p.isBlank()) out.add(p);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    @Benchmark
    public int[][] labelParallel() {
        return labeler.labelAll(reports);
    }

    @Benchmark
    public long labelOneThread() {
        long sum = 0;
        for (String rep : reports) sum += labeler.label(rep)[LabelClass.NO_FINDING.ordinal()];
        return sum;
    }

    @Benchmark
    public long regexMentionsBaseline() {
        long hits = 0;
        for (String rep : reports) {
            for (String sentence : rep.toLowerCase(java.util.Locale.ROOT).split("\\. ")) {
                for (Pattern p : phrasePatterns) {
                    Matcher m = p.matcher(sentence);
                    while (m.find()) hits++;
                }
            }
        }
        return hits;
    }
}
