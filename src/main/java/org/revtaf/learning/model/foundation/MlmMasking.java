package org.revtaf.learning.model.foundation;

import org.revtaf.domain.data.SplitMix64;

/**
 * BERT's masked-language-model corruption (Hugging Face {@code DataCollatorForLanguageModeling}):
 * every token that is not special is chosen with probability {@code p}; a chosen token becomes
 * [MASK] with probability 0.8, a uniformly random vocabulary token with 0.1, and stays with 0.1.
 * The target of a chosen position is its original id; every other target is {@link #IGNORE}.
 *
 * @param p the choice probability (0.15)
 * @param maskId id of [MASK]
 * @param vocab vocabulary size (random replacements are drawn from [0, vocab))
 * @param special ids never chosen ([PAD], [CLS], [SEP], ...), indexed by id
 */
public record MlmMasking(double p, int maskId, int vocab, boolean[] special) {
    public static final int IGNORE = -100;

    /** A corrupted sequence and its targets. */
    public record Example(int[] ids, int[] targets) {}

    /** Corrupts {@code ids} with draws from {@code rng} (the input is not modified). */
    public Example apply(int[] ids, SplitMix64 rng) {
        int[] out = ids.clone(), targets = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            targets[i] = IGNORE;
            int id = ids[i];
            if (id < special.length && special[id]) continue;
            if (rng.nextDouble() >= p) continue;
            targets[i] = id;
            double r = rng.nextDouble();
            if (r < 0.8) out[i] = maskId;
            else if (r < 0.9) out[i] = rng.nextInt(vocab);
        }
        return new Example(out, targets);
    }
}
