package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The mention phrases of the 18 label classes: CheXpert's lists ({@code chexpert-phrases/}, MIT) plus
 * revtaf's own ({@code revtaf-phrases.txt}: the 4 auxiliary classes, extra mentions, unmentions and
 * qualifiers). Class index 0..17 = {@link LabelClass} ordinal; {@link #NO_FINDING_LIST} = CheXpert's
 * no-finding list (findings outside the 14 classes that still rule out "No Finding").
 */
final class MentionSet {
    static final int NO_FINDING_LIST = 18;
    static final int CLASSES = 19;

    /** Flags of a {@link Phrase} (bits). */
    static final int ANATOMY = 1, NEGATIVE = 2, ALWAYS_UNCERTAIN = 4, CHF = 8;

    record Phrase(int cls, String text, int flags) {}

    private static final String[] CHEXPERT_FILES = {
        "atelectasis", "cardiomegaly", "consolidation", "edema", "enlarged_cardiomediastinum", "fracture",
        "lung_lesion", "lung_opacity", "no_finding", "pleural_effusion", "pleural_other", "pneumonia",
        "pneumothorax", "support_devices"
    };
    private static final String[] CHEXPERT_UNMENTION_FILES = {"lung_lesion", "lung_opacity", "pleural_effusion"};
    /** CheXpert's post-negation rule: these edema mentions are uncertain unless negated. */
    private static final List<String> UNCERTAIN_EDEMA =
            List.of("vascular congestion", "pulmonary congestion", "indistinctness", "vascular prominence");

    final List<Phrase> phrases = new ArrayList<>();
    final PhraseTrie mentions = new PhraseTrie();
    final PhraseTrie unmentions = new PhraseTrie(); // payload = class
    final List<List<String>> qualifiers = new ArrayList<>();

    private MentionSet() {
        for (int c = 0; c < CLASSES; c++) qualifiers.add(new ArrayList<>());
    }

    static MentionSet load() {
        MentionSet m = new MentionSet();
        for (String f : CHEXPERT_FILES) {
            int cls = classOf(f);
            for (String p : lines("chexpert-phrases/mention/" + f + ".txt")) {
                String norm = p.replace('_', ' ').strip();
                int flags = 0;
                if ((cls == LabelClass.CARDIOMEGALY.ordinal() || cls == LabelClass.ENLARGED_CARDIOMEDIASTINUM.ordinal())
                        && !norm.contains("cardiomegaly")
                        && !norm.contains("enlarg")) flags |= ANATOMY;
                if (cls == LabelClass.EDEMA.ordinal() && UNCERTAIN_EDEMA.contains(norm)) flags |= ALWAYS_UNCERTAIN;
                if (norm.equals("chf") || norm.equals("heart failure")) flags |= CHF;
                m.addMention(cls, p, flags);
            }
        }
        for (String f : CHEXPERT_UNMENTION_FILES) {
            for (String p : lines("chexpert-phrases/unmention/" + f + ".txt")) m.unmentions.add(p, classOf(f), false);
        }
        m.addPositionalUnmentions();
        m.loadOwn();
        return m;
    }

    private void addMention(int cls, String phrase, int flags) {
        mentions.add(phrase, phrases.size(), false);
        phrases.add(new Phrase(cls, phrase.replace('_', ' ').strip(), flags));
    }

    /** CheXpert's "over the / in the (left|right|superior) heart ..." unmentions of the cardiac classes. */
    private void addPositionalUnmentions() {
        List<String> lead = new ArrayList<>();
        for (String a : List.of("over the", "overly the", "in the", "overlying the"))
            for (String b : List.of("", " superior", " left", " right")) lead.add(a + b);
        for (Phrase p : List.copyOf(phrases)) {
            if (p.cls == LabelClass.CARDIOMEGALY.ordinal()
                    && !p.text.equals("cardiomegaly")
                    && !p.text.equals("cardiac enlargement")) {
                for (String l : lead) unmentions.add(l + " " + p.text.replace("the ", ""), p.cls, false);
            } else if (p.cls == LabelClass.ENLARGED_CARDIOMEDIASTINUM.ordinal()) {
                for (String l : lead) unmentions.add(l + " " + p.text, p.cls, false);
            }
        }
    }

    private void loadOwn() {
        String kind = null;
        int cls = -1;
        int flags = 0;
        int no = 0;
        for (String line : lines("revtaf-phrases.txt")) {
            no++;
            if (line.startsWith("[")) {
                String[] f = line.substring(1, line.indexOf(']')).split("\\s+");
                kind = f[0];
                cls = classOf(f[1]);
                flags = 0;
                for (int i = 2; i < f.length; i++) {
                    flags |= switch (f[i]) {
                        case "anatomy" -> ANATOMY;
                        case "negative" -> NEGATIVE;
                        case "uncertain" -> ALWAYS_UNCERTAIN;
                        default -> throw new IllegalStateException("revtaf-phrases.txt: unknown flag " + f[i]);
                    };
                }
                continue;
            }
            if (kind == null)
                throw new IllegalStateException("revtaf-phrases.txt: phrase before a section, entry " + no);
            switch (kind) {
                case "mention" -> addMention(cls, line, flags);
                case "unmention" -> unmentions.add(line, cls, false);
                case "qualifier" -> qualifiers.get(cls).add(line.toLowerCase(Locale.ROOT));
                default -> throw new IllegalStateException("revtaf-phrases.txt: unknown section " + kind);
            }
        }
    }

    static int classOf(String fileStem) {
        if (fileStem.equals("no_finding")) return NO_FINDING_LIST;
        return LabelClass.valueOf(fileStem.toUpperCase(Locale.ROOT)).ordinal();
    }

    /** Non-empty, non-comment lines of a resource next to this class (stripped; see {@link TextResources}). */
    static List<String> lines(String resource) {
        return TextResources.lines(resource).stream()
                .map(TextResources.Line::text)
                .toList();
    }

    /** Whether a qualifier of class {@code cls} occurs within 6 tokens of [ms, me] in the same clause. */
    boolean qualified(ClinicalSentence s, CueSet.Marks marks, int cls, int ms, int me) {
        List<String> qs = qualifiers.get(cls);
        if (qs.isEmpty()) return false;
        for (int t = ms - 1; t >= Math.max(0, ms - 6) && !marks.bound[t]; t--) if (qualifierAt(s, qs, t)) return true;
        for (int t = ms; t <= me; t++) if (qualifierAt(s, qs, t)) return true;
        for (int t = me + 1; t < Math.min(s.size(), me + 7) && !marks.bound[t]; t++) {
            if (s.tokens[t].equals("with")) break; // "silhouette is stable with mild cardiomegaly"
            if (qualifierAt(s, qs, t)) return true;
        }
        return false;
    }

    private static boolean qualifierAt(ClinicalSentence s, List<String> qs, int t) {
        if (s.kind[t] != ClinicalSentence.WORD) return false;
        int st = s.start[t];
        for (String q : qs) {
            boolean exact = q.endsWith("_");
            String p = exact ? q.substring(0, q.length() - 1) : q;
            if (!s.text.startsWith(p, st)) continue;
            int e = st + p.length();
            if (!exact || e == s.text.length() || !ClinicalSentence.isWordChar(s.text.charAt(e))) return true;
        }
        return false;
    }
}
