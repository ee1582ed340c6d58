package org.revtaf.learning.model.foundation;

import java.util.List;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.domain.text.TripletExtractor.Exist;
import org.revtaf.domain.text.TripletExtractor.Triplet;

/**
 * The supervision of one report for the foundation model (reference study section 6): per entity
 * an existence target and the positions where the report says it is present.
 *
 * <ul>
 *   <li>exist 1: present at some position; 0: only absent; -1 (no target): mentioned only as
 *       uncertain, or not mentioned at all when unmentioned entities are not taken as absent
 *       (MedKLIP's masking of -1).
 *   <li>positions: bit p of {@code positions[e]} is set when the report has e present at p.
 * </ul>
 *
 * @param exist 75 targets, 1 / 0 / -1
 * @param positions 75 bit sets over the 51 positions
 */
public record TripletTargets(int[] exist, long[] positions) {
    public static final int ENTITIES = 75, POSITIONS = 51;

    /** The targets of a report's triplets. */
    public static TripletTargets of(List<Triplet> triplets, boolean unmentionedAsAbsent) {
        int[] exist = TripletExtractor.entityLabels(triplets);
        boolean[] mentioned = new boolean[ENTITIES];
        long[] pos = new long[ENTITIES];
        for (Triplet t : triplets) {
            mentioned[t.entity()] = true;
            if (t.exist() == Exist.PRESENT) pos[t.entity()] |= 1L << t.position();
        }
        if (unmentionedAsAbsent) for (int e = 0; e < ENTITIES; e++) if (!mentioned[e]) exist[e] = 0;
        return new TripletTargets(exist, pos);
    }

    /**
     * The position candidates of every entity for one epoch: row e is {@code 1 + negatives}
     * positions. For a present entity, a uniformly drawn true position first, then {@code negatives}
     * distinct positions where it is not present (MedKLIP: 1 + 7); for any other entity
     * {@code 1 + negatives} distinct random positions (no loss is taken on them).
     *
     * @return (75 x (1 + negatives)) position indices, row-major
     */
    public long[] candidates(int negatives, SplitMix64 rng) {
        int k = 1 + negatives;
        long[] out = new long[ENTITIES * k];
        int[] pool = new int[POSITIONS];
        for (int e = 0; e < ENTITIES; e++) {
            long bits = positions[e];
            int o = e * k, start = 0;
            if (exist[e] == 1 && bits != 0) {
                int nTrue = Long.bitCount(bits);
                int pick = rng.nextInt(nTrue);
                long b = bits;
                for (int i = 0; i < pick; i++) b &= b - 1;
                out[o] = Long.numberOfTrailingZeros(b);
                start = 1;
            }
            int n = 0;
            for (int p = 0; p < POSITIONS; p++) if ((bits >>> p & 1) == 0 || start == 0) pool[n++] = p;
            if (n < k - start)
                throw new IllegalStateException("entity " + e + " is present at " + Long.bitCount(bits)
                        + " positions: too few left for " + negatives + " negatives");
            // partial Fisher-Yates: the first (k - start) of a shuffled pool
            for (int i = 0; i < k - start; i++) {
                int j = i + rng.nextInt(n - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
                out[o + start + i] = pool[i];
            }
        }
        return out;
    }

    /** Whether entity e has a position target (present at a known position). */
    public boolean hasPosition(int e) {
        return exist[e] == 1 && positions[e] != 0;
    }
}
