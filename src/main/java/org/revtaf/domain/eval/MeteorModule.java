package org.revtaf.domain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * METEOR 1.5's matching modules that revtaf runs. Each module adds candidate word matches to the
 * alignment search ({@link MeteorAligner}): exact (same word), stem (different words, same Snowball
 * stem), synonym (different words sharing a WordNet synset, after WordNet's morphology). METEOR's
 * fourth English module, paraphrase, needs a paraphrase table that is not available: it is not
 * offered.
 */
public enum MeteorModule {
    exact,
    stem,
    synonym;

    /** METEOR's default modules for English less paraphrase. */
    public static final List<MeteorModule> DEFAULT = List.of(exact, stem, synonym);

    /**
     * METEOR's English module weights (ranking task: 1.0 0.6 0.8 0.6), given by position in the
     * module list as {@code meteor-1.5.jar -m} does: the i-th module listed scores with the i-th
     * weight, whichever module it is.
     */
    static final double[] POSITION_WEIGHTS = {1.0, 0.6, 0.8, 0.6};

    /** The weight the alignment search gives this module's matches (METEOR: exact 1, others 0.5). */
    double alignWeight() {
        return this == exact ? 1.0 : 0.5;
    }

    /**
     * Parses a module list such as {@code exact,stem,synonym} or {@code "exact stem"} (commas and/or
     * spaces separate; case ignored). Modules run in the order given, as METEOR runs them.
     *
     * @throws IllegalArgumentException naming the bad entry (unknown, paraphrase, repeated, empty list)
     */
    public static List<MeteorModule> parseList(String text) {
        List<MeteorModule> out = new ArrayList<>();
        for (String part : text.trim().split("[\\s,]+")) {
            if (part.isEmpty()) continue;
            String name = part.toLowerCase(Locale.ROOT);
            if (name.equals("paraphrase")) {
                throw new IllegalArgumentException(
                        "'paraphrase' is not available (METEOR's paraphrase table does not ship); use exact, stem,"
                                + " synonym");
            }
            MeteorModule m;
            try {
                m = valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown module '" + part + "' (known: exact, stem, synonym)");
            }
            if (out.contains(m)) throw new IllegalArgumentException("module '" + name + "' is listed twice");
            out.add(m);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no module given (known: exact, stem, synonym)");
        return List.copyOf(out);
    }

    /** The list as METEOR names it: {@code "exact stem synonym"}. */
    public static String describe(List<MeteorModule> modules) {
        return modules.stream().map(Enum::name).collect(Collectors.joining(" "));
    }
}
