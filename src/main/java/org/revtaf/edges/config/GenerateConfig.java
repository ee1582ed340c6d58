package org.revtaf.edges.config;

/**
 * The {@code generate} section: report generation with Hugging Face {@code generate} semantics
 * (reference study section 1.8). Validation during training decodes greedily (one beam) with the
 * same lengths.
 *
 * @param beams beam size (3)
 * @param maxNewTokens tokens generated at most after the 19-token prompt (MIMIC 150, IU 110)
 * @param minLength the shortest sequence, prompt included, before [SEP] may end it (MIMIC 100, IU 60)
 * @param lengthPenalty exponent of the length in a finished beam's score (1.0)
 * @param batchSize studies per decoding batch
 */
public record GenerateConfig(int beams, int maxNewTokens, int minLength, double lengthPenalty, int batchSize) {
    public GenerateConfig {
        Checks.atLeast("beams", beams, 1);
        Checks.atLeast("max_new_tokens", maxNewTokens, 1);
        Checks.atLeast("min_length", minLength, 0);
        if (!Double.isFinite(lengthPenalty))
            throw new IllegalArgumentException("length_penalty must be finite, got " + lengthPenalty);
        Checks.atLeast("batch_size", batchSize, 1);
    }

    /** MIMIC-CXR's settings. */
    public static GenerateConfig defaults() {
        return new GenerateConfig(3, 150, 100, 1.0, 16);
    }
}
