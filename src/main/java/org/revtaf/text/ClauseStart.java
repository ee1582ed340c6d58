package org.revtaf.text;

import java.util.Set;

/**
 * Where a new clause starts in text without punctuation. R2Gen/PromptMRG cleaning deletes commas and
 * semicolons, so "No pneumothorax; small right pleural effusion." reaches the labeler as "no
 * pneumothorax small right pleural effusion ." and a negation would run on into the next clause. A
 * cue's forward scope ends at a token that can only open a new noun phrase or clause <em>after</em>
 * the cue has already reached a finding or a verb:
 *
 * <ul>
 *   <li>an opener (a determiner "the / a", a size or severity word "small / moderate / mild / trace",
 *       a chronicity word "old / healed / chronic", a change word "new / increased / unchanged", a
 *       side "left / right / bilateral") right after the end of a mention, or right after a finished
 *       verb phrase ("no effusion is seen on the right a small ..."), unless the word before links it
 *       into the list or phrase ("or large effusion", "in the right", "of the");
 *   <li>a device mention right after a finding ("without effusion pacemaker leads ..."): a negated
 *       list does not mix findings and devices without a conjunction;
 *   <li>"following / after / post": what follows is the setting, not part of the negated list ("no
 *       pneumothorax following line placement").
 * </ul>
 *
 * Before any mention the scope is never cut ("no small effusion", "no acute fracture"), so the
 * openers only matter once a negated list has had its head.
 */
final class ClauseStart {
    private ClauseStart() {}

    static final Set<String> OPENERS = Set.of(
            "the",
            "a",
            "an",
            "this",
            "these",
            "its",
            "small",
            "smaller",
            "moderate",
            "moderately",
            "moderate-sized",
            "small-to-moderate",
            "large",
            "larger",
            "mild",
            "mildly",
            "severe",
            "severely",
            "marked",
            "markedly",
            "trace",
            "tiny",
            "minimal",
            "minimally",
            "subtle",
            "old",
            "healed",
            "healing",
            "chronic",
            "remote",
            "stable",
            "unchanged",
            "persistent",
            "new",
            "increased",
            "increasing",
            "decreased",
            "decreasing",
            "improved",
            "improving",
            "worsened",
            "worsening",
            "left",
            "right",
            "bilateral",
            "heart",
            "lungs");
    /** Words after which an opener still belongs to the phrase before ("or large", "in the", "of a"). */
    static final Set<String> LINKERS = Set.of(
            "or", "and", "nor", "of", "in", "on", "at", "to", "for", "with", "from", "by", "than", "as", "into",
            "within", "over", "the", "a", "an", "no", "not", "without", "is", "are", "was", "were", "be", "versus",
            "vs", "both", "either", "more", "less", "most");
    /** Words that put what follows outside a negated list. */
    static final Set<String> SETTING = Set.of("following", "after", "post");

    /**
     * Whether token {@code t}, inside the forward scope of a cue that ended at token {@code from},
     * opens a new clause. {@code passedVerb}: a verb of the cue's clause lies in [from, t).
     */
    static boolean at(ClinicalSentence s, CueSet.Marks m, int from, int t, boolean passedMention, boolean passedVerb) {
        if (t <= from || s.kind[t] != ClinicalSentence.WORD) return false;
        int p = s.kind[t - 1] == ClinicalSentence.COMMA ? t - 2 : t - 1; // the word before (commas aside)
        if (p < from || s.kind[p] != ClinicalSentence.WORD) return false;
        String tok = s.tokens[t];
        if (SETTING.contains(tok)) return passedMention;
        if (!passedMention && !passedVerb) return false;
        if (LINKERS.contains(s.tokens[p])) return false;
        if ((m.mention[t] & CueSet.Marks.DEVICE) != 0 && m.mentionEnd(p) && !deviceEndsAt(m, p)) return true;
        return OPENERS.contains(tok) && (m.mentionEnd(p) || passedVerb);
    }

    /** Whether the mention ending at token {@code e} is itself a device (its start carries DEVICE). */
    private static boolean deviceEndsAt(CueSet.Marks m, int e) {
        for (int t = e; t >= 0 && e - t < 6; t--) {
            if (m.mentionStart(t)) return (m.mention[t] & CueSet.Marks.DEVICE) != 0;
        }
        return false;
    }
}
