package org.revtaf.domain.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.revtaf.RevtafException;

/**
 * METEOR 1.5 as pycocoevalcap runs it ({@code java -jar meteor-1.5.jar - - -stdio -l en -norm}):
 * text normalised by {@link MeteorNormalizer}, words aligned by {@link MeteorAligner} with the
 * modules of {@link Settings} (default exact, stem, synonym: METEOR's English modules less
 * paraphrase, whose table is not available), the English "default" (ranking) task parameters alpha
 * 0.85, beta 0.2, gamma 0.6, delta 0.75 and module weights 1.0 0.6 0.8 (by position in the module
 * list, as METEOR's {@code -m} assigns them), and METEOR's function-word list ({@code english.words},
 * shipped in {@code org/revtaf/domain/eval/meteor/}).
 *
 * <p>Per segment: P = sum_m w_m (delta c_m^h + (1-delta) f_m^h) / (delta (|h| - F_h) + (1-delta) F_h),
 * R likewise on the reference, where c/f count matched content/function words and F the function
 * words; Fmean = 1 / ((1-alpha)/P + alpha/R); frag = chunks / ((matched_h + matched_r) / 2) (0 when
 * everything matched in one chunk); score = Fmean (1 - gamma frag^beta), NaN -> 0. With several
 * references the best-scoring one is kept. The corpus score is computed from the summed statistics
 * (a perfectly matched single-chunk segment adds no chunks), not as a mean of segment scores.
 */
public final class Meteor {
    static final double ALPHA = 0.85;
    static final double BETA = 0.2;
    static final double GAMMA = 0.6;
    static final double DELTA = 0.75;

    private Meteor() {}

    /**
     * What METEOR runs with.
     *
     * @param modules the matching modules, in order (weights by position)
     * @param functionWords the function-word list (empty: every word is a content word)
     * @param functionWordsSource where the list came from, for reports
     */
    public record Settings(List<MeteorModule> modules, Set<String> functionWords, String functionWordsSource) {
        public Settings {
            modules = List.copyOf(modules);
            functionWords = Set.copyOf(functionWords);
            if (modules.isEmpty() || modules.size() > MeteorModule.POSITION_WEIGHTS.length)
                throw new IllegalArgumentException("METEOR needs 1 to 3 modules, got " + modules);
        }

        /** METEOR 1.5's English default less paraphrase: exact, stem, synonym, shipped function words. */
        public static Settings standard() {
            return new Settings(MeteorModule.DEFAULT, shippedFunctionWords(), SHIPPED_FUNCTION_WORDS);
        }

        /** These settings with other modules. */
        public Settings withModules(List<MeteorModule> m) {
            return new Settings(m, functionWords, functionWordsSource);
        }

        /** These settings with another function-word list. */
        public Settings withFunctionWords(Set<String> words, String source) {
            return new Settings(modules, words, source);
        }

        /** The modules as METEOR names them: {@code "exact stem synonym"}. */
        public String modulesRun() {
            return MeteorModule.describe(modules);
        }

        double weight(int position) {
            return MeteorModule.POSITION_WEIGHTS[position];
        }
    }

    /** How reports name the shipped function-word list. */
    public static final String SHIPPED_FUNCTION_WORDS = "english.words (METEOR 1.5, shipped)";

    private static final class Shipped {
        static final Set<String> WORDS = load();

        private static Set<String> load() {
            try (BufferedReader r = new BufferedReader(MeteorSynonyms.resource("english.words"))) {
                return parseFunctionWords(r.lines().collect(Collectors.joining("\n")));
            } catch (IOException e) {
                throw new RevtafException("METEOR's english.words could not be read: " + e.getMessage(), e);
            }
        }
    }

    /** METEOR's English function words (english.words), read once. */
    public static Set<String> shippedFunctionWords() {
        return Shipped.WORDS;
    }

    /** A function-word list: one word a line; surrounding whitespace and empty lines are ignored. */
    public static Set<String> parseFunctionWords(String text) {
        Set<String> words = new HashSet<>();
        for (String line : text.split("\n")) {
            String w = line.strip();
            if (!w.isEmpty()) words.add(w);
        }
        return Set.copyOf(words);
    }

    public record Result(double corpus, double[] perReport) {}

    /** METEOR's sufficient statistics of one segment (word-based), per module position. */
    static final class Stats {
        int testLength;
        int refLength;
        int testFunction;
        int refFunction;
        final int[] testContent;
        final int[] refContent;
        final int[] testFunctionMatches;
        final int[] refFunctionMatches;
        int chunks;
        int testWordMatches;
        int refWordMatches;
        double score;

        Stats(int modules) {
            testContent = new int[modules];
            refContent = new int[modules];
            testFunctionMatches = new int[modules];
            refFunctionMatches = new int[modules];
        }

        int testTotal() {
            return Arrays.stream(testContent).sum()
                    + Arrays.stream(testFunctionMatches).sum();
        }

        int refTotal() {
            return Arrays.stream(refContent).sum()
                    + Arrays.stream(refFunctionMatches).sum();
        }

        boolean perfect() {
            return testTotal() == testLength && refTotal() == refLength && chunks == 1;
        }

        void add(Stats s) {
            testLength += s.testLength;
            refLength += s.refLength;
            testFunction += s.testFunction;
            refFunction += s.refFunction;
            for (int m = 0; m < testContent.length; m++) {
                testContent[m] += s.testContent[m];
                refContent[m] += s.refContent[m];
                testFunctionMatches[m] += s.testFunctionMatches[m];
                refFunctionMatches[m] += s.refFunctionMatches[m];
            }
            if (!s.perfect()) chunks += s.chunks;
            testWordMatches += s.testWordMatches;
            refWordMatches += s.refWordMatches;
        }

        /** METEOR's computeMetrics. */
        void computeScore(Settings settings) {
            int modules = testContent.length;
            double testWeightedLength = DELTA * (testLength - testFunction) + (1.0 - DELTA) * testFunction;
            double refWeightedLength = DELTA * (refLength - refFunction) + (1.0 - DELTA) * refFunction;
            double testWeighted = 0;
            double refWeighted = 0;
            for (int m = 0; m < modules; m++) testWeighted += testContent[m] * settings.weight(m) * DELTA;
            for (int m = 0; m < modules; m++) refWeighted += refContent[m] * settings.weight(m) * DELTA;
            for (int m = 0; m < modules; m++)
                testWeighted += testFunctionMatches[m] * settings.weight(m) * (1.0 - DELTA);
            for (int m = 0; m < modules; m++) refWeighted += refFunctionMatches[m] * settings.weight(m) * (1.0 - DELTA);
            double precision = testWeighted / testWeightedLength;
            double recall = refWeighted / refWeightedLength;
            double fMean = 1.0 / (((1.0 - ALPHA) / precision) + (ALPHA / recall));
            double frag = perfect() ? 0 : ((double) chunks) / (((double) (testWordMatches + refWordMatches)) / 2);
            double penalty = GAMMA * Math.pow(frag, BETA);
            double s = fMean * (1.0 - penalty);
            score = Double.isNaN(s) ? 0 : Math.max(s, 0.0);
        }
    }

    static List<String> tokens(String normalized) {
        List<String> out = new ArrayList<>();
        for (String t : normalized.split(" ")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    /** Statistics of hypothesis words {@code h} against reference words {@code r}. */
    static Stats segment(List<String> h, List<String> r, Settings settings) {
        MeteorAligner.Alignment a = MeteorAligner.align(h, r, settings.modules());
        Set<String> functionWords = settings.functionWords();
        Stats s = new Stats(settings.modules().size());
        s.testLength = h.size();
        s.refLength = r.size();
        boolean[] f1 = new boolean[h.size()];
        boolean[] f2 = new boolean[r.size()];
        for (int i = 0; i < f1.length; i++) if (f1[i] = functionWords.contains(h.get(i))) s.testFunction++;
        for (int j = 0; j < f2.length; j++) if (f2[j] = functionWords.contains(r.get(j))) s.refFunction++;
        for (MeteorAligner.Match m : a.matches()) {
            if (m == null) continue;
            if (f1[m.matchStart()]) s.testFunctionMatches[m.module()]++;
            else s.testContent[m.module()]++;
            if (f2[m.start()]) s.refFunctionMatches[m.module()]++;
            else s.refContent[m.module()]++;
            s.testWordMatches++;
            s.refWordMatches++;
        }
        s.chunks = a.chunks();
        s.computeScore(settings);
        return s;
    }

    /**
     * Scores {@code hyps[i]} against {@code refs[i]}. As pycocoevalcap does, "|||" is removed from the
     * hypothesis (it is METEOR's field separator); it is removed from references too.
     */
    public static Result score(List<String> hyps, List<List<String>> refs, Settings settings) {
        // segments are independent: aligned in parallel, summed in order (integer statistics)
        Stats[] best = new Stats[hyps.size()];
        IntStream.range(0, best.length).parallel().forEach(i -> {
            List<String> h = tokens(MeteorNormalizer.normalize(hyps.get(i).replace("|||", "")));
            for (String ref : refs.get(i)) {
                Stats s = segment(h, tokens(MeteorNormalizer.normalize(ref.replace("|||", ""))), settings);
                if (best[i] == null || s.score > best[i].score) best[i] = s;
            }
        });
        double[] per = new double[best.length];
        Stats agg = new Stats(settings.modules().size());
        for (int i = 0; i < per.length; i++) {
            per[i] = best[i].score;
            agg.add(best[i]);
        }
        agg.computeScore(settings);
        return new Result(per.length == 0 ? Double.NaN : agg.score, per);
    }
}
