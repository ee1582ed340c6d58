package org.revtaf.domain.text;

import java.util.Set;

/**
 * Where a new clause starts in text without punctuation. R2Gen/PromptMRG cleaning deletes commas and
 * semicolons, so "No pneumothorax; small right pleural effusion." reaches the labeler as "no
 * pneumothorax small right pleural effusion ." and a negation would run on into the next clause. A
 * cue's forward scope ends at a token that can only open a new noun phrase or clause <em>after</em>
 * the cue has already reached a finding or a verb:
 *
 * <ul>
 *   <li>a determiner ("the / a / these") anywhere after the cue, unless the word before links it in
 *       ("of the", "in a"): a negated noun phrase has no determiner of its own;
 *   <li>an opener (a size or severity word "small / moderate / mild / trace", a chronicity word
 *       "old / healed / chronic", a change word "new / increased / unchanged", a side "left / right /
 *       bilateral", a location "retrocardiac / bibasilar") once the scope has passed a mention or a
 *       finished verb phrase ("no effusion is seen on the right small ..."), unless the word before
 *       links it into the list or phrase ("or moderate effusion", "in the right");
 *   <li>a mention right after the last item of a list closed by "or / and" ("no effusion or
 *       pneumothorax cardiomegaly is stable");
 *   <li>a device mention right after a finding ("without effusion pacemaker leads ..."): a negated
 *       list does not mix findings and devices without a conjunction;
 *   <li>"following / after / post": what follows is the setting, not part of the negated list ("no
 *       pneumothorax following line placement").
 * </ul>
 *
 * Before any mention the scope is never cut ("no small effusion", "no acute fracture"), so the
 * openers only matter once a negated list has had its head. "large" opens only where no "or / and"
 * follows ("no edema, consolidation, large pleural effusion, or pneumothorax" is one negated list).
 */
final class ClauseStart {
    private ClauseStart() {}

    static final Set<String> OPENERS = WordSets.get("openers");
    /** Determiners: after a word that does not link them in ("of the"), they start a new noun phrase. */
    static final Set<String> DETERMINERS = Set.of("the", "this", "these", "a", "an", "its");
    /** Words after which an opener still belongs to the phrase before ("or large", "in the", "of a"). */
    static final Set<String> LINKERS = WordSets.get("linkers");
    /** Words that put what follows outside a negated list. */
    static final Set<String> SETTING = Set.of("following", "after", "post");

    /** State of the negated list a forward scope has crossed: no mention yet, items, closed by "or Z". */
    static final int NONE = 0, OPEN = 1, CLOSED = 2;

    static final Set<String> CONJUNCTIONS = Set.of("or", "nor", "and");
    /**
     * Modal and adverbial hedges: one inside a negation's scope starts a hedged clause of its own ("no
     * pneumonia, likely atelectasis"). Relational cues ("concerning for", "to suggest") do not: "no
     * opacity concerning for pneumonia" stays negative.
     */
    static final Set<String> HEDGES = WordSets.get("hedges");

    /** Whether the hedge at {@code t} sits in a relative clause of the negated noun ("no opacity that may ..."). */
    static boolean relative(ClinicalSentence s, int t) {
        if (t == 0) return false;
        String w = s.tokens[t - 1];
        return w.equals("that") || w.equals("which") || w.equals("to");
    }

    /**
     * Whether a predicate ("normal", "within normal limits") followed by {@code next} ends its clause
     * there: the next word opens a new one ("heart and mediastinum within normal limits no effusion").
     */
    static boolean afterPredicate(String next) {
        return next.equals("no")
                || next.equals("without")
                || next.equals("there")
                || DETERMINERS.contains(next)
                || OPENERS.contains(next);
    }

    /**
     * Whether token {@code t}, inside the forward scope of a cue that ended at token {@code from},
     * opens a new clause. {@code list}: {@link #NONE} / {@link #OPEN} / {@link #CLOSED} ("no A, B or C"
     * has closed its list at C: a mention right after C is not an item); {@code passedVerb}: a verb of
     * the cue's clause lies in [from, t).
     */
    static boolean at(ClinicalSentence s, CueSet.Marks m, int from, int t, int list, boolean passedVerb) {
        boolean passedMention = list != NONE;
        if (t <= from || s.kind[t] != ClinicalSentence.WORD) return false;
        int p = s.kind[t - 1] == ClinicalSentence.COMMA ? t - 2 : t - 1; // the word before (commas aside)
        if (p < from || s.kind[p] != ClinicalSentence.WORD) return false;
        String tok = s.tokens[t];
        if (SETTING.contains(tok)) return passedMention;
        if (LINKERS.contains(s.tokens[p])) return false;
        if (DETERMINERS.contains(tok)) return true; // "no acute process the heart is ...": never inside a negated noun
        if (!passedMention && !passedVerb) return false;
        if ((m.mention[t] & CueSet.Marks.DEVICE) != 0 && m.mentionEnd(p) && !deviceEndsAt(m, p)) return true;
        if (list == CLOSED && m.mentionStart(t) && m.mentionEnd(p)) return true;
        return opens(s, t);
    }

    /**
     * Whether word {@code t} can open a new clause: an opener not followed by a conjunction ("moderate
     * or large"); "large" only when no conjunction follows before a verb, since "no edema, large
     * effusion, or pneumothorax" is a negated list but "no new opacity large effusion persists" is not.
     */
    static boolean opens(ClinicalSentence s, int t) {
        String tok = s.tokens[t];
        if (t + 1 < s.size() && CONJUNCTIONS.contains(s.tokens[t + 1])) return false;
        if (tok.equals("large") || tok.equals("larger")) {
            for (int q = t + 1; q < Math.min(s.size(), t + 7); q++) {
                if (s.kind[q] == ClinicalSentence.BOUNDARY || CueSet.VERBS.contains(s.tokens[q])) return true;
                if (CONJUNCTIONS.contains(s.tokens[q])) return false;
            }
            return true;
        }
        return OPENERS.contains(tok);
    }

    /**
     * Whether a mention's last word reads as an adjective ("aortic", "endotracheal", "osseous",
     * "pulmonary"): then a mention right after it is the noun it modifies ("aortic contour",
     * "endotracheal tube"), not a second noun phrase.
     */
    static boolean adjective(String w) {
        return w.endsWith("ic") || w.endsWith("al") || w.endsWith("ous") || w.endsWith("ary");
    }

    /** Whether the mention ending at token {@code e} is itself a device (its start carries DEVICE). */
    private static boolean deviceEndsAt(CueSet.Marks m, int e) {
        for (int t = e; t >= 0 && e - t < 6; t--) {
            if (m.mentionStart(t)) return (m.mention[t] & CueSet.Marks.DEVICE) != 0;
        }
        return false;
    }
}
