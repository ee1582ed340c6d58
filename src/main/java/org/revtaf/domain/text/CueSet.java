package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The negation / uncertainty / scope cues ({@code cues.txt}) and the scope rules that decide whether
 * a cue applies to a mention in a {@link ClinicalSentence}: forward to the end of the clause (lists
 * "no effusion, consolidation, or pneumothorax" stay in scope), backward over the clause for
 * post-negation ("... is not seen"), predicate adjectives both ways ("heart size is normal").
 */
final class CueSet {
    /** Cue kinds, as cues.txt names them. */
    static final byte PREUNC = 1, NEG = 2, UNC = 3, STABLE = 4, BOUND = 5;

    /** One cue phrase: its kind, directions and forward window (tokens). */
    record Cue(String phrase, byte kind, boolean forward, int window, boolean backward, boolean predicate) {}

    /** A cue found in a sentence, over tokens [start, end). */
    record Occ(Cue cue, int start, int end) {
        byte kind() {
            return cue.kind;
        }
    }

    static final Set<String> COPULAS = WordSets.get("copulas");
    static final Set<String> ADVERBS = WordSets.get("adverbs");
    /** Words that mark a finished clause: after one, "and" / "with" / a comma start a new clause. */
    static final Set<String> VERBS = WordSets.get("verbs");
    /** After a comma these start a new clause, ending a forward scope. */
    static final Set<String> CLAUSE_STARTERS = WordSets.get("clause-starters");
    /** After "and" these start a new clause ("no pneumothorax and the tube is in place"). */
    static final Set<String> NEW_SUBJECT = Set.of("the", "there", "this", "these", "it");
    /** "normal for size", "unremarkable in appearance": the predicate still ends its clause. */
    static final Set<String> DIMENSIONS = WordSets.get("dimensions");
    /** After a predicate adjective these show it is about what follows ("is likely due to X"). */
    static final Set<String> CONTINUATIONS = WordSets.get("continuations");

    final List<Cue> cues = new ArrayList<>();
    private final PhraseTrie trie = new PhraseTrie();

    static CueSet load() {
        CueSet set = new CueSet();
        for (TextResources.Line line : TextResources.lines("cues.txt")) {
            String[] f = line.text().split("\\s+", 3);
            if (f.length < 3)
                throw new IllegalStateException("cues.txt line " + line.no() + ": expected KIND DIR phrase");
            set.add(parseKind(f[0], line.no()), f[1], f[2]);
        }
        return set;
    }

    private static byte parseKind(String k, int no) {
        return switch (k) {
            case "PREUNC" -> PREUNC;
            case "NEG" -> NEG;
            case "UNC" -> UNC;
            case "STABLE" -> STABLE;
            case "BOUND" -> BOUND;
            default -> throw new IllegalStateException("cues.txt line " + no + ": unknown kind " + k);
        };
    }

    private void add(byte kind, String dir, String phrase) {
        boolean fwd = dir.startsWith("F") || dir.startsWith("A");
        boolean bwd = dir.startsWith("B") || dir.startsWith("A");
        int window = dir.length() > 1 ? Integer.parseInt(dir.substring(1)) : Integer.MAX_VALUE;
        Cue c = new Cue(phrase, kind, fwd, window, bwd, dir.startsWith("A"));
        for (int i = 0; i < cues.size(); i++) {
            Cue o = cues.get(i);
            if (o.phrase.equals(phrase) && o.kind == kind) { // same phrase listed for both directions
                cues.set(
                        i,
                        new Cue(
                                phrase,
                                kind,
                                o.forward || fwd,
                                Math.max(o.forward ? o.window : 0, fwd ? window : 0),
                                o.backward || bwd,
                                o.predicate && c.predicate));
                return;
            }
        }
        trie.add(phrase, cues.size(), true);
        cues.add(c);
    }

    /** The cues of a sentence: at each token the longest cue starting there, left to right, no overlaps. */
    List<Occ> find(ClinicalSentence s) {
        List<Occ> out = new ArrayList<>();
        for (int[] m : trie.longestMatches(s)) out.add(new Occ(cues.get(m[0]), m[1], m[2] + 1));
        return out;
    }

    // ---- scope rules

    /** Per-token flags of a sentence the scope rules need. */
    static final class Marks {
        static final byte START = 1, END = 2, DEVICE = 4;
        final boolean[] bound; // clause boundary token (";" or a BOUND cue)
        final boolean[] stable; // covered by a STABLE cue (pseudo-negation)
        final boolean[] hedge; // covered by a modal / adverbial hedge ("likely", "may"), see ClauseStart.HEDGES
        final byte[] mention; // START / END of a mention at this token, DEVICE when that mention is a device

        Marks(ClinicalSentence s, List<Occ> occs) {
            int n = s.size();
            bound = new boolean[n];
            stable = new boolean[n];
            hedge = new boolean[n];
            mention = new byte[n];
            for (int t = 0; t < n; t++) bound[t] = s.kind[t] == ClinicalSentence.BOUNDARY;
            for (Occ o : occs) {
                if (o.kind() == BOUND) for (int t = o.start; t < o.end; t++) bound[t] = true;
                if (o.kind() == STABLE) for (int t = o.start; t < o.end; t++) stable[t] = true;
                if (o.kind() == UNC && ClauseStart.HEDGES.contains(o.cue.phrase()))
                    for (int t = o.start; t < o.end; t++) hedge[t] = true;
            }
        }

        /** Records a mention over tokens [start, end]; {@code device} for a support-device mention. */
        void mention(int start, int end, boolean device) {
            mention[start] |= (byte) (START | (device ? DEVICE : 0));
            mention[end] |= END;
        }

        boolean mentionStart(int t) {
            return (mention[t] & START) != 0;
        }

        boolean mentionEnd(int t) {
            return (mention[t] & END) != 0;
        }
    }

    static final int F_PREUNC = 1, F_NEG = 2, F_NEG_NORMAL = 4, F_UNC = 8, F_STABLE = 16, F_NEG_PLAIN = 32;
    static final int F_UNC_BEFORE = 64;

    /**
     * The cues in scope of the mention over tokens [ms, me], as flags: {@link #F_PREUNC},
     * {@link #F_NEG} (with {@link #F_NEG_NORMAL} when a predicate cue like "normal" is among them,
     * {@link #F_NEG_PLAIN} when another negation cue is),
     * {@link #F_UNC} (with {@link #F_UNC_BEFORE} when an uncertainty cue before the mention is among
     * them: "possible pacemaker", not "the tube tip is likely in the stomach"), {@link #F_STABLE}.
     */
    static int judge(ClinicalSentence s, Marks m, List<Occ> occs, int ms, int me) {
        int f = 0;
        for (Occ o : occs) {
            if (!covers(s, m, o, ms, me)) continue;
            f |= switch (o.kind()) {
                case PREUNC -> F_PREUNC;
                case NEG -> F_NEG | (o.cue.predicate ? F_NEG_NORMAL : F_NEG_PLAIN);
                case UNC -> F_UNC | (o.end <= ms ? F_UNC_BEFORE : 0);
                case STABLE -> F_STABLE;
                default -> 0;
            };
        }
        return f;
    }

    /** Whether cue {@code o} applies to the mention over tokens [ms, me]. */
    static boolean covers(ClinicalSentence s, Marks m, Occ o, int ms, int me) {
        if (o.kind() == BOUND) return false;
        if (o.end <= ms) return o.cue.forward && forward(s, m, o, ms);
        if (o.start > me) return o.cue.backward && (!o.cue.predicate || isPredicate(s, m, o)) && backward(s, m, o, me);
        return false; // overlaps the mention
    }

    private static boolean forward(ClinicalSentence s, Marks m, Occ o, int ms) {
        if (ms - o.end >= o.cue.window) return false;
        boolean passedVerb = false, conjunction = false;
        int list = ClauseStart.NONE;
        for (int t = o.end; t < ms; t++) {
            if (m.bound[t]) return false;
            if (ClauseStart.at(s, m, o.end, t, list, passedVerb)) return false;
            if (m.mentionEnd(t)) list = conjunction ? ClauseStart.CLOSED : ClauseStart.OPEN;
            if (m.stable[t] && o.kind() != STABLE) return false;
            if (m.hedge[t] && (o.kind() == NEG || o.kind() == PREUNC) && !ClauseStart.relative(s, t))
                return false; // "no pneumonia, likely atelectasis"; not "no opacity that could be pneumonia"
            String tok = s.tokens[t];
            if (list != ClauseStart.NONE && ClauseStart.CONJUNCTIONS.contains(tok)) conjunction = true;
            if (tok.equals("there")) return false; // "no pneumothorax there is ..." (cleaned text has no commas)
            if (o.cue.predicate && tok.equals("with")) return false; // "normal appearance with sternotomy wires"
            if (s.kind[t] == ClinicalSentence.COMMA) {
                if (o.kind() == STABLE || passedVerb) return false;
                if (o.kind() == UNC && !listContinues(s, m, t, ms)) return false;
                if (t + 1 < s.size() && startsAfterComma(s, t + 1)) return false;
            } else if (tok.equals("and")) {
                if (passedVerb) return false;
                if (t + 1 < s.size() && NEW_SUBJECT.contains(s.tokens[t + 1])) return false;
            } else if (passedVerb && tok.equals("with")) {
                return false;
            }
            if (VERBS.contains(tok)) passedVerb = true;
        }
        return !ClauseStart.at(s, m, o.end, ms, list, passedVerb);
    }

    /** Whether word {@code t}, right after a comma, starts a new clause ("no effusion, small pneumothorax"). */
    private static boolean startsAfterComma(ClinicalSentence s, int t) {
        String w = s.tokens[t];
        if (w.equals("large") || w.equals("larger")) return ClauseStart.opens(s, t);
        if (!CLAUSE_STARTERS.contains(w)) return false;
        return !(ClauseStart.OPENERS.contains(w)
                && t + 1 < s.size()
                && ClauseStart.CONJUNCTIONS.contains(s.tokens[t + 1]));
    }

    /**
     * Whether the comma at {@code comma} sits inside a list that a conjunction closes ("could represent
     * edema, infection, or hemorrhage"): an "or / and" follows within 8 tokens, before any verb or
     * boundary, and the word after the comma does not start a new clause.
     */
    private static boolean listContinues(ClinicalSentence s, Marks m, int comma, int ms) {
        if (comma + 1 < s.size() && startsAfterComma(s, comma + 1)) return false;
        for (int t = comma + 1; t < Math.min(s.size(), comma + 9); t++) {
            if (m.bound[t] || VERBS.contains(s.tokens[t])) return false;
            if (t >= ms && s.kind[t] == ClinicalSentence.COMMA) continue;
            if (s.tokens[t].equals("or") || s.tokens[t].equals("and")) return true;
        }
        return false;
    }

    private static boolean backward(ClinicalSentence s, Marks m, Occ o, int me) {
        int t = o.start - 1;
        while (t > me && (COPULAS.contains(s.tokens[t]) || ADVERBS.contains(s.tokens[t]))) t--;
        t = skipCoordinatedPredicate(s, m, t, me);
        boolean otherMention = false, comma = false, conjunction = false;
        for (; t > me; t--) {
            if (m.bound[t]) return false;
            if (o.start - t > 12) return false;
            String tok = s.tokens[t];
            if (VERBS.contains(tok)) return false;
            if (ClauseStart.DETERMINERS.contains(tok) && !ClauseStart.LINKERS.contains(s.tokens[t - 1])) return false;
            otherMention |= m.mentionStart(t) && !(t == me + 1 && ClauseStart.adjective(s.tokens[me]));
            comma |= s.kind[t] == ClinicalSentence.COMMA;
            conjunction |= ClauseStart.CONJUNCTIONS.contains(tok);
        }
        // a post-negated subject is one mention or a coordinated list of them: "effusion and
        // pneumothorax are not seen", not "chest tube in place, pneumothorax is not seen"
        return conjunction || !(otherMention || comma);
    }

    /**
     * "X are well defined and [cue]": from {@code t} at the "and" before a predicate cue, skips back
     * over an earlier predicate (at most 3 words, no mention, no verb) to the copula and past it;
     * otherwise returns {@code t}.
     */
    private static int skipCoordinatedPredicate(ClinicalSentence s, Marks m, int t, int me) {
        if (t <= me || !s.tokens[t].equals("and")) return t;
        for (int p = t - 1; p > me && t - p <= 4; p--) {
            if (s.kind[p] != ClinicalSentence.WORD || m.mentionStart(p) || m.mentionEnd(p)) return t;
            if (COPULAS.contains(s.tokens[p])) return p - 1;
            if (VERBS.contains(s.tokens[p])) return t;
        }
        return t;
    }

    /** Words that name the imaging technique a size judgement allows for. */
    static final Set<String> TECHNIQUE = WordSets.get("technique");

    /**
     * Whether the words from {@code q} allow for the technique ("given the AP technique", "for
     * portable technique", "allowing for rotation"): "given / for / allowing / considering" and a
     * technique word within the next 4 tokens.
     */
    private static boolean technique(ClinicalSentence s, int q) {
        String w = s.tokens[q];
        if (!(w.equals("given") || w.equals("for") || w.equals("allowing") || w.equals("considering"))) return false;
        for (int t = q + 1; t < Math.min(s.size(), q + 5); t++) {
            if (s.kind[t] != ClinicalSentence.WORD) return false;
            if (TECHNIQUE.contains(s.tokens[t])) return true;
        }
        return false;
    }

    /** A predicate adjective: after a copula, or ending its clause ("heart size normal."). */
    private static boolean isPredicate(ClinicalSentence s, Marks m, Occ o) {
        int q = o.end;
        int n = s.size();
        if (q >= n || s.kind[q] != ClinicalSentence.WORD || s.tokens[q].equals("and")) return true;
        if (VERBS.contains(s.tokens[q])) return true; // "effusion is likely present"
        if (q + 1 < n
                && (s.tokens[q].equals("for") || s.tokens[q].equals("in"))
                && DIMENSIONS.contains(s.tokens[q + 1]))
            return true; // "within normal limits for size and contour", "normal in size"
        if (technique(s, q)) return true; // "heart size is normal given the AP technique"
        if (m.mentionStart(q) || CONTINUATIONS.contains(s.tokens[q])) return false;
        if (ClauseStart.afterPredicate(s.tokens[q])) return true; // "heart within normal limits no effusion"
        int p = o.start - 1;
        while (p >= 0 && ADVERBS.contains(s.tokens[p])) p--;
        return p >= 0 && COPULAS.contains(s.tokens[p]);
    }
}
