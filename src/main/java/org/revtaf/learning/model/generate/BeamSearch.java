package org.revtaf.learning.model.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.revtaf.RevtafException;

/**
 * Batched beam search with the semantics of Hugging Face {@code generate} as transformers
 * 4.19-4.25 run it for {@code num_beams}, {@code max_new_tokens}, {@code min_length}, an EOS id,
 * {@code length_penalty} and {@code early_stopping=False}, no repetition penalty (reference
 * section 1.8). Per step and study:
 *
 * <ol>
 *   <li>log-softmax over the vocabulary (the {@link TokenStepper}'s answer); while the sequence
 *       (prompt included) is shorter than {@code minLength} the EOS log-probability is -inf
 *       ({@code MinLengthLogitsProcessor}; no renormalisation);
 *   <li>add each beam's running score; on the first step only beam 0 is live, the others start
 *       at -1e9, as HF initialises them;
 *   <li>take the best {@code 2 * beams} of the {@code beams * V} candidates (ties: lowest beam,
 *       then lowest token id); walking them in order, an EOS candidate ranked below
 *       {@code beams} is dropped, a better-ranked one closes its beam's sequence as a finished
 *       hypothesis scored sum / length^penalty (length counts the prompt, not the EOS); the
 *       first {@code beams} non-EOS candidates become the next beams;
 *   <li>a study is done when it holds {@code beams} finished hypotheses and the worst of them is
 *       at least the best candidate's score / current length^penalty.
 * </ol>
 *
 * Generation stops when every study is done or the sequences reach prompt + maxNewTokens; the
 * running beams of studies not done are then scored as hypotheses too. Finished studies leave
 * the batch (their rows are dropped by {@link TokenStepper#select}) instead of being padded: the
 * result is the same, the work smaller. {@code beams = 1} is greedy decoding (argmax per step,
 * stop at the first EOS). Outputs are token ids; turning them into text is the caller's.
 */
public final class BeamSearch {
    /** HF's initial score of beams 1..K-1: only beam 0 expands on the first step. */
    static final double DEAD_BEAM = -1e9;

    private BeamSearch() {}

    /**
     * @param beams num_beams (1 = greedy)
     * @param maxNewTokens tokens generated at most after the prompt
     * @param minLength minimum total length, prompt included, before EOS may be generated (HF
     *     min_length: 100 with MIMIC's 19-token prompt means at least 81 new tokens)
     * @param eosId the EOS token ([SEP])
     * @param lengthPenalty exponent of the length in the hypothesis score (1.0)
     */
    public record Options(int beams, int maxNewTokens, int minLength, int eosId, double lengthPenalty) {
        public Options {
            if (beams < 1) throw new RevtafException("generation: beams must be >= 1, got " + beams);
            if (maxNewTokens < 1)
                throw new RevtafException("generation: max new tokens must be >= 1, got " + maxNewTokens);
            if (minLength < 0) throw new RevtafException("generation: min length must be >= 0, got " + minLength);
            if (eosId < 0) throw new RevtafException("generation: EOS id must be >= 0, got " + eosId);
            if (!Double.isFinite(lengthPenalty))
                throw new RevtafException("generation: length penalty must be finite, got " + lengthPenalty);
        }

        /** Greedy decoding: one beam, length penalty 1. */
        public static Options greedy(int maxNewTokens, int minLength, int eosId) {
            return new Options(1, maxNewTokens, minLength, eosId, 1.0);
        }
    }

    /**
     * @param best the best hypothesis per study, in input order
     * @param steps model calls made (the prompt step included)
     * @param rowTokens rows fed summed over the steps after the prompt (work done, for timing)
     */
    public record Result(List<Hypothesis> best, int steps, long rowTokens) {}

    /** One running beam: generated tokens so far and the sum of their log-probabilities. */
    private record Beam(int[] tokens, double score) {}

    /**
     * Runs the search.
     *
     * @param model the stepper, fresh (nothing fed yet)
     * @param prompts one prompt per study, all of the same length (>= 1)
     */
    public static Result run(TokenStepper model, long[][] prompts, Options o) {
        int n = prompts.length;
        if (n == 0) return new Result(List.of(), 0, 0);
        int p = prompts[0].length;
        if (p < 1) throw new RevtafException("generation: prompts must have at least one token");
        for (int i = 1; i < n; i++)
            if (prompts[i].length != p)
                throw new RevtafException("generation: prompt " + i + " has " + prompts[i].length
                        + " tokens, prompt 0 has " + p + " (prompts of one batch must have one length)");
        int v = model.vocab(), k = o.beams();
        if (v < 2) throw new RevtafException("generation: vocabulary of " + v + " token(s); need EOS and one more");
        if (o.eosId() >= v)
            throw new RevtafException("generation: EOS id " + o.eosId() + " is outside the vocabulary of " + v);
        int maxLength = p + o.maxNewTokens();

        long[] flat = new long[n * p];
        for (int i = 0; i < n; i++) System.arraycopy(prompts[i], 0, flat, i * p, p);
        float[] logp = model.step(flat, n, p);
        int steps = 1;
        long rowTokens = 0;

        NBest[] finished = new NBest[n];
        Beam[][] beams = new Beam[n][k];
        int[][] rowOf = new int[n][k]; // physical row of each beam in the stepper now
        for (int s = 0; s < n; s++) {
            finished[s] = new NBest(k, o.lengthPenalty());
            for (int j = 0; j < k; j++) {
                beams[s][j] = new Beam(new int[0], j == 0 ? 0.0 : DEAD_BEAM);
                rowOf[s][j] = s; // the prompt step has one row per study; every beam reads it
            }
        }
        boolean[] done = new boolean[n];
        int[] active = new int[n];
        for (int s = 0; s < n; s++) active[s] = s;
        int activeCount = n, curLength = p;
        double[] topScore = new double[2 * k];
        int[] topIdx = new int[2 * k];

        while (true) {
            boolean eosBlocked = curLength < o.minLength();
            for (int a = 0; a < activeCount; a++) {
                int s = active[a];
                int found = topCandidates(logp, v, beams[s], rowOf[s], o.eosId(), eosBlocked, topScore, topIdx, steps);
                Beam[] next = new Beam[k];
                int[] nextRow = new int[k];
                int filled = 0;
                for (int rank = 0; rank < found && filled < k; rank++) {
                    int parent = topIdx[rank] / v, token = topIdx[rank] % v;
                    Beam from = beams[s][parent];
                    if (token == o.eosId()) {
                        if (rank >= k) continue;
                        finished[s].add(from.tokens(), true, topScore[rank], curLength);
                    } else {
                        int[] t = Arrays.copyOf(from.tokens(), from.tokens().length + 1);
                        t[t.length - 1] = token;
                        next[filled] = new Beam(t, topScore[rank]);
                        nextRow[filled] = rowOf[s][parent]; // the parent's row until the select below
                        filled++;
                    }
                }
                if (filled < k)
                    throw new RevtafException("generation: study " + s + " has only " + filled + " of " + k
                            + " non-EOS candidates at length " + curLength + " (vocabulary too small for the beams)");
                beams[s] = next;
                rowOf[s] = nextRow;
                done[s] = finished[s].isDone(topScore[0], curLength);
            }
            curLength++;
            int[] from = new int[activeCount * k];
            long[] tokens = new long[activeCount * k];
            int kept = 0;
            for (int a = 0; a < activeCount; a++) {
                int s = active[a];
                if (done[s]) continue;
                for (int j = 0; j < k; j++) {
                    int r = kept * k + j;
                    from[r] = rowOf[s][j];
                    rowOf[s][j] = r;
                    int[] t = beams[s][j].tokens();
                    tokens[r] = t[t.length - 1];
                }
                active[kept++] = s;
            }
            activeCount = kept;
            if (activeCount == 0 || curLength >= maxLength) break;
            int rows = activeCount * k;
            model.select(Arrays.copyOf(from, rows));
            logp = model.step(Arrays.copyOf(tokens, rows), rows, 1);
            steps++;
            rowTokens += rows;
        }

        List<Hypothesis> best = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            if (!done[s]) for (Beam b : beams[s]) finished[s].add(b.tokens(), false, b.score(), maxLength);
            best.add(finished[s].best());
        }
        return new Result(List.copyOf(best), steps, rowTokens);
    }

    /**
     * The best {@code 2 * beams} candidates (beam score + token log-probability) of one study into
     * score/idx (descending; ties keep the lower flat index beam * V + token). Returns how many
     * were found (fewer only when beams * V < 2 * beams, impossible for V >= 2).
     */
    private static int topCandidates(
            float[] logp,
            int v,
            Beam[] beams,
            int[] rowOf,
            int eos,
            boolean eosBlocked,
            double[] score,
            int[] idx,
            int step) {
        int cap = score.length, size = 0;
        for (int j = 0; j < beams.length; j++) {
            double base = beams[j].score();
            int off = rowOf[j] * v;
            for (int t = 0; t < v; t++) {
                float lp = logp[off + t];
                if (lp != lp)
                    throw new RevtafException("generation: the model produced NaN log-probabilities (step " + step
                            + ", row " + rowOf[j] + ", token " + t + ")");
                double c = (eosBlocked && t == eos) ? Double.NEGATIVE_INFINITY : base + lp;
                if (size == cap && !(c > score[size - 1])) continue;
                int pos = size == cap ? size - 1 : size++;
                while (pos > 0 && c > score[pos - 1]) {
                    score[pos] = score[pos - 1];
                    idx[pos] = idx[pos - 1];
                    pos--;
                }
                score[pos] = c;
                idx[pos] = j * v + t;
            }
        }
        return size;
    }
}
