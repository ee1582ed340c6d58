package org.revtaf.edges.pipeline.demo;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.ClinicalSentence;

/**
 * The floor every generator must clear: one training report written for every test study, the most
 * frequent one. No synthetic report repeats, so the tie between all of them goes to the most
 * typical report, the one whose sentences are the most frequent among the training reports'
 * sentences (mean over its sentences): a short normal report, which scores well on CE for the
 * normal studies (about a third of the synthetic set).
 */
public final class MostFrequentReport {
    private MostFrequentReport() {}

    /** The most frequent training report; ties to the most typical one, then to the first. */
    public static String of(List<Study> train) {
        if (train.isEmpty()) throw new RevtafException("most-frequent-report baseline: no training studies");
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
