package org.revtaf.domain.text;

/** Factory of the project's report labelers and the triplet extractor (one shared, immutable set of rules). */
public final class Labelers {
    private Labelers() {}

    private static final class Holder {
        static final CueSet CUES = CueSet.load();
        static final RuleLabeler STANDARD = new RuleLabeler(MentionSet.load(), CUES);
        static final TripletExtractor TRIPLETS = new TripletExtractor(CUES);
    }

    /**
     * The standard labeler: rule-based, CheXpert-labeler style, 18 classes x 4 statuses (see
     * {@link RuleLabeler}). One shared immutable instance; thread-safe.
     */
    public static ReportLabeler standard() {
        return Holder.STANDARD;
    }

    static TripletExtractor triplets() {
        return Holder.TRIPLETS;
    }
}
