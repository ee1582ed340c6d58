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
        if (memoryK < 1) throw new IllegalArgumentException("memory_k must be >= 1, got " + memoryK);
        if (memoryDim < 1) throw new IllegalArgumentException("memory_dim must be >= 1, got " + memoryDim);
        if (maxSentences < 1) throw new IllegalArgumentException("max_sentences must be >= 1, got " + maxSentences);
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
    }

    public static PrecomputeConfig defaults() {
        return new PrecomputeConfig(21, 512, 20, 32);
    }
}
