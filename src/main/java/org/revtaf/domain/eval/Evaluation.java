package org.revtaf.domain.eval;

import java.util.ArrayList;
import java.util.List;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportLabeler;

/**
 * Scores generated reports against references with every metric: BLEU-1..4, METEOR, ROUGE-L,
 * CIDEr (each with one reference per report) and, when labels are given, clinical efficacy.
 *
 * <p>Prediction post-processing ({@link Options#postprocess()}, on in the paper-compatible preset):
 * PromptMRG/R2Gen score {@code (res + ' ').replace('. ', ' . ').replace(' - ', '-')} rather than the
 * raw prediction, to match the {@code ' . '} form of the cleaned references; it adds a trailing space,
 * which ROUGE-L's {@code split(" ")} counts as one empty token. It applies to the NLG metrics only.
 * References are scored as passed in; {@link RefCleaning} cleans raw ones beforehand.
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * @param postprocess apply PromptMRG's prediction post-processing before the NLG metrics
     * @param meteor METEOR's modules and function words ({@link Meteor.Settings#standard()}: as METEOR 1.5)
     * @param refsCleaning the (resolved) cleaning the caller applied to the references with {@link
     *     RefCleaning#apply(List)} before labelling and {@link #run}; reported in the outputs
     */
    public record Options(boolean postprocess, Meteor.Settings meteor, RefCleaning refsCleaning) {
        public Options {
            if (refsCleaning == RefCleaning.auto)
                throw new IllegalArgumentException("refsCleaning must be resolved (not auto)");
        }

        /** References used as given. */
        public Options(boolean postprocess, Meteor.Settings meteor) {
            this(postprocess, meteor, RefCleaning.none);
        }

        /** The paper-compatible preset: post-processing on, METEOR as 1.5 runs it, references as given. */
        public static Options paper() {
            return new Options(true, Meteor.Settings.standard());
        }
    }

    /** All scores; {@code ce} is null when no labels were given. */
    public record Scores(
            List<String> ids,
            Bleu.Result bleu,
            Meteor.Result meteor,
            RougeL.Result rouge,
            Cider.Result cider,
            ClinicalEfficacy.Result ce,
            Options options) {}

    /** PromptMRG's prediction post-processing. */
    public static String postprocess(String res) {
        return (res + " ").replace(". ", " . ").replace(" - ", "-");
    }

    /**
     * @param gtPos reference positives per report (14 classes), or null to skip clinical efficacy
     * @param predPos hypothesis positives, or null
     */
    public static Scores run(
            List<String> ids, List<String> refs, List<String> hyps, boolean[][] gtPos, boolean[][] predPos, Options o) {
        List<String> res = new ArrayList<>(hyps.size());
        for (String h : hyps) res.add(o.postprocess() ? postprocess(h) : h);
        List<List<String>> gts = new ArrayList<>(refs.size());
        for (String r : refs) gts.add(List.of(r));
        ClinicalEfficacy.Result ce = gtPos == null ? null : ClinicalEfficacy.score(gtPos, predPos);
        return new Scores(
                List.copyOf(ids),
                Bleu.score(res, gts),
                Meteor.score(res, gts, o.meteor()),
                RougeL.score(res, gts),
                Cider.score(res, gts),
                ce,
                o);
    }

    /**
     * Scores generated reports against the references of a data set as training validation and the
     * demo do, and as {@code evaluate} does for an annotation.json: references cleaned as PromptMRG
     * cleans them, both sides labelled by the standard labeler for clinical efficacy, METEOR as 1.5
     * runs it, post-processing on.
     */
    public static Scores labelled(List<String> ids, List<String> refs, List<String> hyps) {
        RefCleaning cleaning = RefCleaning.promptmrg;
        List<String> cleaned = cleaning.apply(refs);
        ReportLabeler labeler = Labelers.standard();
        return run(
                ids,
                cleaned,
                hyps,
                ClinicalEfficacy.label(labeler, cleaned),
                ClinicalEfficacy.label(labeler, hyps),
                new Options(true, Meteor.Settings.standard(), cleaning));
    }
}
