package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Extracts MedKLIP-style (entity, position, exist) triplets from report text, the rule-based stand-in
 * for RadGraph: the 75 MedKLIP entities and 51 positions (names and order of the reference study,
 * section 6; phrases in {@code medklip-terms.txt}), with the labeler's negation / uncertainty machinery
 * deciding {@code exist}. Each entity mention gets the nearest position named in its clause (ties to
 * the one before it), or {@code unspecified}. Immutable, thread-safe.
 */
public final class TripletExtractor {
    /** Whether an entity is present, absent or uncertain at a position. */
    public enum Exist {
        PRESENT,
        ABSENT,
        UNCERTAIN;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One triplet: indices into {@link #ENTITIES} and {@link #POSITIONS}. */
    public record Triplet(int entity, int position, Exist exist) {
        /** "entity position exist" with names spelled out, e.g. "effusion left pleural absent". */
        public String text() {
            return (ENTITIES.get(entity) + " " + POSITIONS.get(position) + " " + exist.word()).replace('_', ' ');
        }
    }

    public static final List<String> ENTITIES;
    public static final List<String> POSITIONS;
    /** Position index used when a sentence names none. */
    public static final int UNSPECIFIED;

    private static final PhraseTrie ENTITY_TRIE = new PhraseTrie();
    private static final PhraseTrie POSITION_TRIE = new PhraseTrie();

    static {
        List<String> ents = new ArrayList<>(), poss = new ArrayList<>();
        List<String> target = null;
        PhraseTrie trie = null;
        for (String line : MentionSet.lines("medklip-terms.txt")) {
            if (line.equals("[entities]")) {
                target = ents;
                trie = ENTITY_TRIE;
                continue;
            }
            if (line.equals("[positions]")) {
                target = poss;
                trie = POSITION_TRIE;
                continue;
            }
            int colon = line.indexOf(':');
            if (target == null || colon < 0) throw new IllegalStateException("medklip-terms.txt: bad line " + line);
            int idx = target.size();
            target.add(line.substring(0, colon).strip());
            for (String p : line.substring(colon + 1).split("\\|")) if (!p.isBlank()) trie.add(p.strip(), idx, false);
        }
        if (ents.size() != 75 || poss.size() != 51)
            throw new IllegalStateException("medklip-terms.txt: expected 75 entities and 51 positions, got "
                    + ents.size() + " and " + poss.size());
        ENTITIES = Collections.unmodifiableList(ents);
        POSITIONS = Collections.unmodifiableList(poss);
        UNSPECIFIED = POSITIONS.indexOf("unspecified");
    }

    private final CueSet cues;

    TripletExtractor(CueSet cues) {
        this.cues = cues;
    }

    /** The extractor sharing the standard labeler's cues. */
    public static TripletExtractor standard() {
        return Labelers.triplets();
    }

    /** All triplets of a report, in text order. */
    public List<Triplet> extract(String report) {
        List<Triplet> out = new ArrayList<>();
        for (ClinicalSentence s : ClinicalSentence.split(report == null ? "" : report)) extract(s, out);
        return out;
    }

    private void extract(ClinicalSentence s, List<Triplet> out) {
        List<int[]> ents = new ArrayList<>(); // {entity, startTok, endTok}
        for (int t = 0; t < s.size(); t++) {
            if (s.kind[t] != ClinicalSentence.WORD) continue;
            final int tok = t;
            ENTITY_TRIE.matchAt(s.text, s.start[t], (e, end) -> ents.add(new int[] {e, tok, s.tokenAt(end - 1)}));
        }
        if (ents.isEmpty()) return;
        List<int[]> pos = POSITION_TRIE.longestMatches(s);
        List<CueSet.Occ> occs = cues.find(s);
        CueSet.Marks marks = new CueSet.Marks(s, occs);
        for (int[] e : ents) marks.mention(e[1], e[2], false);
        for (int[] e : ents) {
            int f = CueSet.judge(s, marks, occs, e[1], e[2]);
            Exist ex = (f & CueSet.F_PREUNC) != 0
                    ? Exist.UNCERTAIN
                    : (f & CueSet.F_NEG) != 0
                            ? Exist.ABSENT
                            : (f & CueSet.F_UNC) != 0 ? Exist.UNCERTAIN : Exist.PRESENT;
            out.add(new Triplet(e[0], nearestPosition(marks, pos, e[1], e[2]), ex));
        }
    }

    private static int nearestPosition(CueSet.Marks marks, List<int[]> pos, int ms, int me) {
        int best = UNSPECIFIED, bestD = Integer.MAX_VALUE;
        for (int[] p : pos) {
            int d;
            if (p[2] < ms) d = ms - p[2];
            else if (p[1] > me) d = p[1] - me;
            else d = 0; // the position phrase overlaps the entity ("cardiomegaly")
            int lo = Math.min(p[2], ms), hi = Math.max(p[1], me);
            boolean crossesBoundary = false;
            for (int t = lo + 1; t < hi; t++) if (marks.bound[t]) crossesBoundary = true;
            if (crossesBoundary) continue;
            boolean before = p[2] < ms;
            if (d < bestD || (d == bestD && before)) {
                bestD = d;
                best = p[0];
            }
        }
        return best;
    }

    /**
     * MedKLIP's per-entity label from triplets: 1 if present at any position, else 0 if absent at
     * any, else -1 (uncertain mentions count as neither, as RadGraph's OBS-U does not enter the matrix).
     */
    public static int[] entityLabels(List<Triplet> triplets) {
        int[] out = new int[ENTITIES.size()];
        java.util.Arrays.fill(out, -1);
        for (Triplet t : triplets) {
            if (t.exist == Exist.PRESENT) out[t.entity] = 1;
            else if (t.exist == Exist.ABSENT) out[t.entity] = Math.max(out[t.entity], 0);
        }
        return out;
    }

    /** The 51 x 75 position-entity matrix of MedKLIP's preprocessing: -1, then absent -> 0, present -> 1. */
    public static int[][] matrix(List<Triplet> triplets) {
        int[][] m = new int[POSITIONS.size()][ENTITIES.size()];
        for (int[] row : m) java.util.Arrays.fill(row, -1);
        for (Triplet t : triplets) {
            if (t.exist == Exist.PRESENT) m[t.position][t.entity] = 1;
            else if (t.exist == Exist.ABSENT) m[t.position][t.entity] = Math.max(m[t.position][t.entity], 0);
        }
        return m;
    }
}
