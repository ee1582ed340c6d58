package org.revtaf.learning.model.generate;

/**
 * One finished sequence of a search.
 *
 * @param tokens the generated token ids after the prompt, without the final EOS
 * @param score sum of the log-probabilities of the generated tokens (EOS included when it ended
 *     the sequence) divided by length^lengthPenalty, where length counts the prompt and the
 *     generated tokens but not the EOS (Hugging Face {@code BeamHypotheses.add})
 * @param eos whether the sequence ended with EOS (false: it reached the maximum length)
 */
public record Hypothesis(int[] tokens, double score, boolean eos) {
    public int length() {
        return tokens.length;
    }
}
