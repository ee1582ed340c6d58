package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The rule-based, CheXpert-labeler-style report labeler (see {@link Labelers#standard()}).
 *
 * <p>Per sentence: find mentions of the 18 classes (and of CheXpert's no-finding list) with a phrase
 * trie, drop those inside an unmention, classify each as uncertain (pre-negation uncertainty: "cannot
 * be excluded", "no new"), negative (negation cues in scope), uncertain (uncertainty cues, "X or Y",
 * CheXpert's always-uncertain edema phrases, stable heart/mediastinum anatomy) or positive. Cue
 * scopes end at clause starts that survive R2Gen cleaning (no commas): see {@link ClauseStart}. Per
 * report: CheXpert's aggregation (positive over uncertain over negative), its "chf / heart failure"
 * rule (adds an uncertain cardiomegaly vote) and its "No Finding" rule (positive when no mention
 * other than support devices is positive or uncertain; otherwise blank). Immutable, thread-safe.
 */
public final class RuleLabeler implements ReportLabeler {
    static final int POS_BIT = 1;
    static final int NEG_BIT = 2;
    static final int UNC_BIT = 4;

    private static final int DROP = -1;

    private final MentionSet mentions;
    private final CueSet cues;

    RuleLabeler(MentionSet mentions, CueSet cues) {
        this.mentions = mentions;
        this.cues = cues;
    }

    /** A mention found in a sentence: phrase index, token span [start, end], char span. */
    record Mention(int phrase, int cls, int start, int end, int charStart, int charEnd) {}

    @Override
    public int[] label(String report) {
        int[] votes = new int[MentionSet.CLASSES]; // POS_BIT | NEG_BIT | UNC_BIT per class
        for (ClinicalSentence s : ClinicalSentence.split(report == null ? "" : report)) {
            List<Mention> ms = findMentions(s);
            if (ms.isEmpty()) continue;
            int[] st = classify(s, ms);
            for (int i = 0; i < ms.size(); i++) {
                if (st[i] == DROP) continue;
                Mention m = ms.get(i);
                votes[m.cls] |= bit(st[i]);
                boolean chf = (mentions.phrases.get(m.phrase).flags() & MentionSet.CHF) != 0;
                if (chf && st[i] != LabelStatus.NEGATIVE.code()) votes[LabelClass.CARDIOMEGALY.ordinal()] |= UNC_BIT;
            }
        }
        return aggregate(votes);
    }

    private static int bit(int status) {
        return status == LabelStatus.POSITIVE.code()
                ? POS_BIT
                : status == LabelStatus.NEGATIVE.code() ? NEG_BIT : UNC_BIT;
    }

    /** CheXpert's aggregation over mentions and its No Finding rule. */
    static int[] aggregate(int[] votes) {
        int[] out = new int[LabelClass.ALL.size()];
        boolean finding = false;
        for (int c = 0; c < MentionSet.CLASSES; c++) {
            int v = votes[c];
            int status = (v & POS_BIT) != 0
                    ? LabelStatus.POSITIVE.code()
                    : (v & UNC_BIT) != 0
                            ? LabelStatus.UNCERTAIN.code()
                            : (v & NEG_BIT) != 0 ? LabelStatus.NEGATIVE.code() : LabelStatus.BLANK.code();
            // CheXpert's no-finding list names degenerative change, scoliosis, kyphosis, osteopenia,
            // deformity, elevation, eventration: a bone/spine or hemidiaphragm finding is one of them
            boolean chexpertFinding = c < LabelClass.NO_FINDING.ordinal()
                    || c == MentionSet.NO_FINDING_LIST
                    || c == LabelClass.BONE_SPINE_ABNORMAL.ordinal()
                    || c == LabelClass.HEMIDIAPHRAGM_ABNORMAL.ordinal();
            if (chexpertFinding && c != LabelClass.SUPPORT_DEVICES.ordinal() && (v & (POS_BIT | UNC_BIT)) != 0)
                finding = true;
            if (c < out.length && c != LabelClass.NO_FINDING.ordinal()) out[c] = status;
        }
        out[LabelClass.NO_FINDING.ordinal()] = finding ? LabelStatus.BLANK.code() : LabelStatus.POSITIVE.code();
        return out;
    }

    List<Mention> findMentions(ClinicalSentence s) {
        List<Mention> found = new ArrayList<>();
        for (int t = 0; t < s.size(); t++) {
            if (s.kind[t] != ClinicalSentence.WORD) continue;
            final int tok = t;
            mentions.mentions.matchAt(
                    s.text,
                    s.start[t],
                    (pid, end) -> found.add(new Mention(
                            pid, mentions.phrases.get(pid).cls(), tok, s.tokenAt(end - 1), s.start[tok], end)));
        }
        if (found.isEmpty()) return found;
        List<int[]> un = new ArrayList<>(); // {cls, start, end}
        for (int t = 0; t < s.size(); t++) {
            if (s.kind[t] != ClinicalSentence.WORD) continue;
            final int st = s.start[t];
            mentions.unmentions.matchAt(s.text, st, (cls, end) -> un.add(new int[] {cls, st, end}));
        }
        if (un.isEmpty()) return found;
        List<Mention> kept = new ArrayList<>(found.size());
        for (Mention m : found) {
            boolean drop = false;
            for (int[] u : un) {
                if (u[0] == m.cls && m.charStart < u[2] && m.charEnd > u[1]) {
                    drop = true;
                    break;
                }
            }
            if (!drop) kept.add(m);
        }
        return kept;
    }

    /** Status code (or DROP) of each mention of a sentence. */
    int[] classify(ClinicalSentence s, List<Mention> ms) {
        List<CueSet.Occ> occs = cues.find(s);
        CueSet.Marks marks = new CueSet.Marks(s, occs);
        for (Mention m : ms) marks.mention(m.start, m.end, m.cls == LabelClass.SUPPORT_DEVICES.ordinal());
        boolean[] orUnc = orRule(s, marks, ms);
        int[] out = new int[ms.size()];
        for (int i = 0; i < ms.size(); i++) {
            Mention m = ms.get(i);
            int flags = mentions.phrases.get(m.phrase).flags();
            int f = CueSet.judge(s, marks, occs, m.start, m.end);
            boolean preUnc = (f & CueSet.F_PREUNC) != 0, neg = (f & CueSet.F_NEG) != 0;
            boolean negNormal = (f & CueSet.F_NEG_NORMAL) != 0, unc = (f & CueSet.F_UNC) != 0;
            boolean stable = (f & CueSet.F_STABLE) != 0;
            if (m.cls == LabelClass.SUPPORT_DEVICES.ordinal()) {
                // a device "unremarkable / normal in position" is present: only a real negation removes it
                if ((f & CueSet.F_NEG_PLAIN) == 0) neg = false;
                // "the tube tip is likely in the stomach": a hedge after a device is about its
                // position, not its presence (CheXbert calls such devices present)
                unc = (f & CueSet.F_UNC_BEFORE) != 0;
            }
            out[i] = status(s, marks, m, flags, preUnc, neg, negNormal, unc || orUnc[i], stable);
        }
        return out;
    }

    private int status(
            ClinicalSentence s,
            CueSet.Marks marks,
            Mention m,
            int flags,
            boolean preUnc,
            boolean neg,
            boolean negNormal,
            boolean unc,
            boolean stable) {
        if ((flags & MentionSet.NEGATIVE) != 0) // "well expanded" is negative, "not well expanded" is not
        return marks.stable[m.start] ? LabelStatus.POSITIVE.code() : LabelStatus.NEGATIVE.code();
        boolean anatomy = (flags & MentionSet.ANATOMY) != 0;
        boolean aux = m.cls >= LabelClass.AORTA_ABNORMAL.ordinal() && m.cls < MentionSet.NO_FINDING_LIST;
        if (anatomy && aux) {
            // a structure: negative when called normal, or when a negated abnormality is near it
            boolean qualified = mentions.qualified(s, marks, m.cls, m.start, m.end);
            if (neg && !preUnc && (negNormal || qualified)) return LabelStatus.NEGATIVE.code();
            if (!qualified) return DROP;
            return preUnc || unc ? LabelStatus.UNCERTAIN.code() : LabelStatus.POSITIVE.code();
        }
        if (preUnc) return LabelStatus.UNCERTAIN.code();
        if (neg) return LabelStatus.NEGATIVE.code();
        if (unc || (flags & MentionSet.ALWAYS_UNCERTAIN) != 0) return LabelStatus.UNCERTAIN.code();
        if (anatomy && !mentions.qualified(s, marks, m.cls, m.start, m.end)) {
            // the heart or mediastinum merely described ("the mediastinum is midline", "the heart
            // border is indistinct") is no finding: positive only when called enlarged (a qualifier
            // near it), uncertain when "stable" (CheXpert's rule)
            return stable ? LabelStatus.UNCERTAIN.code() : DROP;
        }
        return LabelStatus.POSITIVE.code();
    }

    /**
     * "X or Y" / "X versus Y" (CheXpert's conj:or rule): a mention right before "or", or after it
     * with at most 2 tokens between (no other mention in between), is uncertain; a device or a
     * device ("pacemaker/defibrillator") is still a device.
     */
    private static boolean[] orRule(ClinicalSentence s, CueSet.Marks marks, List<Mention> ms) {
        boolean[] out = new boolean[ms.size()];
        for (int i = 0; i < ms.size(); i++) {
            Mention m = ms.get(i);
            boolean device = m.cls == LabelClass.SUPPORT_DEVICES.ordinal();
            if (m.end + 1 < s.size() && isOr(s.tokens[m.end + 1]) && !(device && deviceAt(ms, m.end + 2, true)))
                out[i] = true;
            for (int t = m.start - 1; t >= Math.max(0, m.start - 3) && !marks.bound[t]; t--) {
                if (s.kind[t] != ClinicalSentence.WORD || marks.mentionEnd(t)) break;
                if (isOr(s.tokens[t]) && !(device && deviceAt(ms, t - 1, false))) out[i] = true;
            }
        }
        return out;
    }

    /** Whether a device mention starts (or, with {@code !starts}, ends) at token {@code t}: "pacemaker/defibrillator". */
    private static boolean deviceAt(List<Mention> ms, int t, boolean starts) {
        for (Mention o : ms)
            if (o.cls == LabelClass.SUPPORT_DEVICES.ordinal() && (starts ? o.start : o.end) == t) return true;
        return false;
    }

    private static boolean isOr(String w) {
        return w.equals("or") || w.equals("versus") || w.equals("vs");
    }
}
