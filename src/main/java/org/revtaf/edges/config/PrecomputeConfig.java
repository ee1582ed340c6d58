package org.revtaf.edges.config;

/**
 * The {@code precompute} section: the cached features of METHOD.md section 1.2.
 *
 * @param memoryK retrieved training reports per image for the baseline memory (PromptMRG: 21)
 * @param memoryDim width of a training report's memory feature (512, the memory transformer's d)
 * @param maxSentences sentences kept per training report for the GRP embeddings (S); later ones are dropped
 * @param batchSize images or texts per forward pass
 */
public record PrecomputeConfig(int memoryK, int memoryDim, int maxSentences, int batchSize) {
    public PrecomputeConfig {
        Checks.atLeast("memory_k", memoryK, 1);
        Checks.atLeast("memory_dim", memoryDim, 1);
        Checks.atLeast("max_sentences", maxSentences, 1);
        Checks.atLeast("batch_size", batchSize, 1);
    }

    public static PrecomputeConfig defaults() {
        return new PrecomputeConfig(21, 512, 20, 32);
    }
}
