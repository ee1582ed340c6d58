package org.revtaf.learning.model.generate;

/**
 * The model side of a search: feeds tokens to rows of an incremental-decoding state and answers
 * next-token log-probabilities. The search owns the row layout; the stepper owns the state (a KV
 * cache, or anything a test needs). Tokens and results are host arrays, row-major.
 *
 * <p>Call order: one {@link #step} with the prompts (one row per study), then alternately
 * {@link #select} (rows follow their beams) and {@link #step} with one token per row.
 */
public interface TokenStepper {
    /** Vocabulary size V: the width of every row {@link #step} returns. */
    int vocab();

    /**
     * Feeds {@code width} new tokens to each of {@code rows} rows after everything fed before.
     *
     * @param tokens (rows, width) row-major
     * @return log-probabilities of the token after the last fed one: (rows, V) row-major, each row
     *     a log-softmax over the vocabulary
     */
    float[] step(long[] tokens, int rows, int width);

    /**
     * Reorders the rows: new row r continues old row {@code from[r]}. Rows may repeat (a beam
     * splits) or vanish (a beam is pruned, a study is finished); the row count becomes
     * {@code from.length}.
     */
    void select(int[] from);
}
