package org.revtaf.text;

/** Factory of the project's report labelers. */
public final class Labelers {
    private Labelers() {}

    private static final class Holder {
        static final RuleLabeler STANDARD = new RuleLabeler(MentionSet.load(), CueSet.load());
    }

    /**
     * The standard labeler: rule-based, CheXpert-labeler style, 18 classes x 4 statuses (see
     * {@link RuleLabeler}). One shared immutable instance; thread-safe.
     */
    public static ReportLabeler standard() {
        return Holder.STANDARD;
    }
}
