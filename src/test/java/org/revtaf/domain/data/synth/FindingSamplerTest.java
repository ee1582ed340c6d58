package org.revtaf.domain.data.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.LabelClass;

/** Long-tailed MIMIC-like class frequencies and realistic co-occurrence. */
class FindingSamplerTest {
    private static final int N = 20_000;

    @Test
    void frequenciesAreLongTailedLikeMimic() {
        Map<LabelClass, Integer> count = new EnumMap<>(LabelClass.class);
        int normal = 0, edemaAndCardio = 0, cardio = 0, edema = 0, effusionGivenEdema = 0;
        for (int i = 0; i < N; i++) {
            List<Finding> f = FindingSampler.sample(new SplitMix64(SplitMix64.derive(9, i)));
            f.stream().map(Finding::label).distinct().forEach(c -> count.merge(c, 1, Integer::sum));
            if (f.stream().noneMatch(Finding::isPathology)) normal++;
            boolean cm = FindingSampler.first(f, LabelClass.CARDIOMEGALY) != null;
            boolean ed = FindingSampler.first(f, LabelClass.EDEMA) != null;
            if (cm) cardio++;
            if (ed) edema++;
            if (cm && ed) edemaAndCardio++;
            if (ed && FindingSampler.first(f, LabelClass.PLEURAL_EFFUSION) != null) effusionGivenEdema++;
        }
        double[] rate = new double[LabelClass.ALL.size()];
        for (LabelClass c : LabelClass.ALL) rate[c.ordinal()] = count.getOrDefault(c, 0) / (double) N;
        StringBuilder table = new StringBuilder();
        for (LabelClass c : LabelClass.ALL) table.append(String.format("%s %.3f%n", c, rate[c.ordinal()]));
        String t = table.toString();
        // the head: common classes
        for (LabelClass c : List.of(
                LabelClass.SUPPORT_DEVICES,
                LabelClass.PLEURAL_EFFUSION,
                LabelClass.LUNG_OPACITY,
                LabelClass.CARDIOMEGALY,
                LabelClass.ATELECTASIS)) assertTrue(rate[c.ordinal()] > 0.10 && rate[c.ordinal()] < 0.35, c + "\n" + t);
        // the thin tail: rare but present
        for (LabelClass c : List.of(
                LabelClass.PNEUMOTHORAX,
                LabelClass.FRACTURE,
                LabelClass.PLEURAL_OTHER,
                LabelClass.PNEUMONIA,
                LabelClass.CONSOLIDATION))
            assertTrue(rate[c.ordinal()] > 0.005 && rate[c.ordinal()] < 0.05, c + "\n" + t);
        assertTrue(normal / (double) N > 0.2 && normal / (double) N < 0.5, "no finding " + normal);
        // co-occurrence: edema mostly comes with cardiomegaly, often with effusion
        double pEdema = edema / (double) N;
        double pEdemaGivenCardio = edemaAndCardio / (double) cardio;
        assertTrue(pEdemaGivenCardio > 3 * pEdema, pEdemaGivenCardio + " vs " + pEdema);
        assertTrue(effusionGivenEdema / (double) edema > 2 * rate[LabelClass.PLEURAL_EFFUSION.ordinal()]);
    }

    @Test
    void pneumoniaAlwaysHasItsAirspaceDiseaseAtTheSamePlace() {
        for (int i = 0; i < 5000; i++) {
            List<Finding> f = FindingSampler.sample(new SplitMix64(i));
            Finding p = FindingSampler.first(f, LabelClass.PNEUMONIA);
            if (p == null) continue;
            assertTrue(f.stream()
                    .anyMatch(o -> (o.label() == LabelClass.CONSOLIDATION || o.label() == LabelClass.LUNG_OPACITY)
                            && o.side() == p.side()
                            && o.zone().equals(p.zone())));
        }
    }
}
