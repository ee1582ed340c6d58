package org.revtaf.learning.model.foundation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertConfig;
import org.revtaf.learning.model.BertEncoder;
import org.revtaf.learning.nn.NnContext;

/**
 * The foundation model's text side: a BERT encoder with its masked-LM head ({@link BertEncoder},
 * Hugging Face names, so bert-base / Bio_ClinicalBERT weights import through
 * {@code WeightMapping.bert(false, true, "")}), its WordPiece tokenizer, and the pooling that turns a
 * text into one vector of width dt ({@link #width()}).
 */
public final class TextEncoder {
    private final BertEncoder bert;
    private final WordPieceTokenizer tokenizer;
    private final TextConfig text;

    public TextEncoder(BertEncoder bert, WordPieceTokenizer tokenizer, TextConfig text) {
        if (bert.config().vocab() != tokenizer.size())
            throw new RevtafException("text encoder: vocabulary of " + tokenizer.size() + " tokens for an embedding"
                    + " table of " + bert.config().vocab() + " rows");
        this.bert = bert;
        this.tokenizer = tokenizer;
        this.text = text;
    }

    /** A freshly initialised encoder (seeded by {@code ctx}) of the config's sizes over {@code tokenizer}. */
    public static TextEncoder create(
            NnContext ctx, FoundationConfig.TextEncoder c, TextConfig text, WordPieceTokenizer tokenizer) {
        return new TextEncoder(new BertEncoder(ctx, bertConfig(c, text, tokenizer), false, true), tokenizer, text);
    }

    /** The BERT sizes of a config over a vocabulary. */
    public static BertConfig bertConfig(FoundationConfig.TextEncoder c, TextConfig text, WordPieceTokenizer tok) {
        if (c.maxPositions() < text.maxTokens())
            throw new RevtafException("foundation.text_encoder.max_positions (" + c.maxPositions()
                    + ") is below text.max_tokens (" + text.maxTokens() + ")");
        int pad = tok.idOf(WordPieceTokenizer.PAD);
        if (pad < 0) throw new RevtafException("the WordPiece vocabulary has no " + WordPieceTokenizer.PAD + " token");
        return new BertConfig(
                tok.size(),
                c.hidden(),
                c.layers(),
                c.heads(),
                c.intermediate(),
                c.maxPositions(),
                2,
                c.dropout(),
                1e-12,
                pad,
                c.hidden());
    }

    public BertEncoder bert() {
        return bert;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** dt: the width of every embedding. */
    public int width() {
        return bert.config().hidden();
    }

    /** Token ids of a text: [CLS] pieces [SEP], cut to {@code text.max_tokens}. */
    public int[] encode(String s) {
        return tokenizer.encode(s, text.maxTokens());
    }

    /**
     * Padded batch tensors of token sequences: ids int64 (B, T) with T the longest, keep f32 (B, T)
     * (1 token, 0 padding).
     */
    public record Tokens(Tensor ids, Tensor keep) {}

    public Tokens batch(List<int[]> seqs) {
        int b = seqs.size(), t = 0;
        for (int[] s : seqs) t = Math.max(t, s.length);
        int pad = bert.config().padTokenId();
        long[] ids = new long[b * t];
        float[] keep = new float[b * t];
        for (int i = 0; i < b; i++) {
            int[] s = seqs.get(i);
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = j < s.length ? s[j] : pad;
                keep[i * t + j] = j < s.length ? 1f : 0f;
            }
        }
        var dev = bert.embeddings.wordEmbeddings.weight.device();
        return new Tokens(Tensor.ofLongs(dev, ids, b, t), Tensor.of(dev, keep, b, t));
    }

    /**
     * Pooled embeddings of token states: hidden (B, T, dt), keep (B, T) -> (B, dt); mean over the
     * real tokens or the [CLS] state (config {@code text.pooling}).
     */
    public Tensor pool(Tensor hidden, Tensor keep) {
        if (text.pooling() == TextConfig.Pooling.CLS) return BertEncoder.cls(hidden);
        int b = hidden.shape(0), t = hidden.shape(1);
        Tensor k = keep.reshape(b, t, 1);
        Tensor sum = F.sum(hidden.mul(k), false, 1); // (B, dt)
        return sum.div(F.sum(keep, true, 1)); // (B, dt) / (B, 1)
    }

    /**
     * Embeddings of many texts, without gradients and in eval mode: (n, dt) row-major floats. Texts
     * are grouped by length into batches of {@code batchSize} (less padding); the result is in input
     * order and does not depend on the grouping beyond float rounding.
     */
    public float[] embed(List<String> texts, int batchSize) {
        int n = texts.size(), d = width();
        int[][] seqs = new int[n][];
        for (int i = 0; i < n; i++) seqs[i] = encode(texts.get(i));
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(
                order, Comparator.comparingInt((Integer i) -> seqs[i].length).thenComparingInt(i -> i));
        float[] out = new float[n * d];
        boolean wasTraining = bert.isTraining();
        bert.eval();
        try (var ng = GradMode.noGrad()) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (Scope s = Scope.open()) {
                    List<int[]> chunk = IntStream.range(from, to)
                            .mapToObj(i -> seqs[order[i]])
                            .toList();
                    Tokens tk = batch(chunk);
                    float[] e = pool(bert.forward(tk.ids(), tk.keep(), null), tk.keep())
                            .toFloats();
                    for (int i = from; i < to; i++) System.arraycopy(e, (i - from) * d, out, order[i] * d, d);
                }
            }
        } finally {
            bert.train(wasTraining);
        }
        return out;
    }
}
