package org.revtaf.learning.model;

import org.revtaf.RevtafException;
import org.revtaf.learning.nn.TransformerLayerSpec;

/**
 * Sizes of a BERT encoder or BERT-style LM decoder.
 *
 * @param vocab vocabulary size (bert-base-uncased 30522; the REVTAF decoder 30527)
 * @param hidden width (768)
 * @param layers transformer layers (12)
 * @param heads attention heads (12)
 * @param intermediate FFN width (3072)
 * @param maxPositions learned positions (512)
 * @param typeVocab token-type vocabulary (2; 0 for the decoder, which has none)
 * @param dropout hidden and attention dropout (0.1)
 * @param lnEps layer-norm epsilon (1e-12)
 * @param padTokenId padding id, its embedding row starts at zero (0)
 * @param encoderWidth width of the cross-attention memory (decoder; BLIP/REVTAF 2048)
 */
public record BertConfig(
        int vocab,
        int hidden,
        int layers,
        int heads,
        int intermediate,
        int maxPositions,
        int typeVocab,
        double dropout,
        double lnEps,
        int padTokenId,
        int encoderWidth) {
    public BertConfig {
        if (vocab < 1 || hidden < 1 || layers < 0 || heads < 1 || intermediate < 1 || maxPositions < 1)
            throw new RevtafException("bert config: sizes must be positive (vocab " + vocab + ", hidden " + hidden
                    + ", layers " + layers + ", heads " + heads + ", intermediate " + intermediate
                    + ", positions " + maxPositions + ")");
        if (hidden % heads != 0)
            throw new RevtafException("bert config: hidden " + hidden + " is not divisible by heads " + heads);
        if (dropout < 0 || dropout >= 1)
            throw new RevtafException("bert config: dropout " + dropout + " outside [0, 1)");
    }

    /** bert-base-uncased / Bio_ClinicalBERT. */
    public static BertConfig bertBase() {
        return new BertConfig(30522, 768, 12, 12, 3072, 512, 2, 0.1, 1e-12, 0, 768);
    }

    /** The BLIP/REVTAF decoder: bert-base without token types, vocab 30527, memory width 2048. */
    public static BertConfig revtafDecoder() {
        return new BertConfig(30527, 768, 12, 12, 3072, 512, 0, 0.1, 1e-12, 0, 2048);
    }

    /** The layer spec of these sizes. */
    public TransformerLayerSpec layerSpec() {
        return TransformerLayerSpec.bert(hidden, heads, intermediate, dropout, encoderWidth);
    }
}
