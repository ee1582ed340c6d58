package org.revtaf.edges.pipeline.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.generate.BeamSearch;
import org.revtaf.learning.model.generate.DecoderStepper;
import org.revtaf.learning.model.generate.Hypothesis;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.model.revtaf.StatusClassifier;

/**
 * Reports for one batch of model inputs (reference section 1.8): the classifier's argmax statuses
 * (no logit adjustment) make the 19-token prompt, the beam search continues it over the decoder's
 * KV cache, and the best hypothesis is decoded with the special tokens skipped (the prompt is not
 * part of a hypothesis). Validation during training and {@code generate} both decode through here.
 */
public final class ReportDecoder {
    private ReportDecoder() {}

    /**
     * One study's result.
     *
     * @param report the decoded text
     * @param statuses the 18 predicted statuses (0 blank, 1 positive, 2 negative, 3 uncertain)
     * @param posProbs the 18 P(POS) of the classifier
     * @param best the best hypothesis (generated token ids and score)
     */
    public record Decoded(String report, long[] statuses, double[] posProbs, Hypothesis best) {}

    /**
     * The search options of a generate section at {@code beams} beams ([SEP] ends a report); one
     * beam is greedy decoding (HF's greedy search has no length penalty).
     */
    public static BeamSearch.Options options(GenerateConfig g, int beams, RevtafModel model) {
        int sep = model.prompt().sep();
        return beams == 1
                ? BeamSearch.Options.greedy(g.maxNewTokens(), g.minLength(), sep)
                : new BeamSearch.Options(beams, g.maxNewTokens(), g.minLength(), sep, g.lengthPenalty());
    }

    /**
     * Decodes every study of a batch, in order. The model must be in eval mode; runs without
     * gradients in its own scope (the inputs stay valid).
     */
    public static List<Decoded> decode(
            RevtafModel model, RevtafModel.Inputs inputs, BeamSearch.Options options, WordPieceTokenizer tokenizer) {
        int c = StatusClassifier.CLASSES;
        Searched r = search(model, inputs, options);
        List<Decoded> out = new ArrayList<>(r.best().size());
        for (int i = 0; i < r.best().size(); i++) {
            Hypothesis h = r.best().get(i);
            out.add(new Decoded(
                    tokenizer.decode(h.tokens(), true),
                    Arrays.copyOfRange(r.statuses(), i * c, (i + 1) * c),
                    Arrays.copyOfRange(r.posProbs(), i * c, (i + 1) * c),
                    h));
        }
        return out;
    }

    /**
     * The token-level result of a batch: statuses (B, 18) and P(POS) (B, 18) row-major, the best
     * hypothesis per study and the search's work.
     */
    public record Searched(long[] statuses, double[] posProbs, List<Hypothesis> best, BeamSearch.Result search) {}

    /** Conditioning and beam search without turning tokens into text ({@code bench generate} times this). */
    public static Searched search(RevtafModel model, RevtafModel.Inputs inputs, BeamSearch.Options options) {
        try (GradMode.Guard g = GradMode.noGrad();
                Scope s = Scope.open()) {
            RevtafModel.Conditioning cond;
            double[] pos;
            long[] statuses;
            try (var ps = Profiler.stage("conditioning")) {
                cond = model.condition(inputs);
                pos = StatusClassifier.positiveProbabilities(cond.statusLogits())
                        .toDoubles(); // (B, 18)
                statuses = cond.statuses().toLongs(); // (B, 18)
            }
            BeamSearch.Result r;
            try (var ps = Profiler.stage("beam search")) {
                r = BeamSearch.run(
                        new DecoderStepper(model.decoder(), cond.memory(), null), rows(cond.promptIds()), options);
            }
            return new Searched(statuses, pos, r.best(), r);
        }
    }

    /** Rows of a (B, T) int64 tensor. */
    static long[][] rows(Tensor ids) {
        int b = ids.shape(0), t = ids.shape(1);
        long[] v = ids.toLongs();
        long[][] out = new long[b][t];
        for (int i = 0; i < b; i++) System.arraycopy(v, i * t, out[i], 0, t);
        return out;
    }
}
