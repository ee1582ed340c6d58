package org.revtaf.edges.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code text} section: the WordPiece tokenizer shared by the text encoder and the REVTAF
 * decoder, and how a text becomes one vector.
 *
 * @param vocab a {@code vocab.txt} to use (e.g. bert-base-uncased's); empty: trained from the training reports
 * @param vocabSize size of a trained vocabulary (the project's special tokens included)
 * @param minFrequency a word-piece merge needs this many occurrences in the training reports
 * @param maxTokens longest token sequence fed to the text encoder ([CLS] and [SEP] included); longer texts are cut
 * @param pooling how a text's token states become its embedding: mean over its tokens, or the [CLS] state (MedKLIP)
 */
public record TextConfig(Optional<Path> vocab, int vocabSize, int minFrequency, int maxTokens, Pooling pooling) {
    /** How the text encoder's token states become one embedding. */
    public enum Pooling {
        /** Mean over the real tokens ([CLS] and [SEP] included, padding excluded). */
        MEAN,
        /** The state of the first token, [CLS] (MedKLIP with Bio_ClinicalBERT). */
        CLS
    }

    public TextConfig {
        Checks.atLeast("vocab_size", vocabSize, 16);
        Checks.atLeast("min_frequency", minFrequency, 1);
        Checks.atLeast("max_tokens", maxTokens, 3);
    }

    /** bert-base-sized vocabulary trained from the reports, 128 tokens, mean pooling. */
    public static TextConfig defaults() {
        return new TextConfig(Optional.empty(), 30522, 2, 128, Pooling.MEAN);
    }
}
