package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.domain.text.StatusVectors;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.ModuleList;
import org.revtaf.learning.nn.NnContext;

/**
 * The Learnable Retrieval Enhancer (METHOD.md section 2, paper Eq. 3-7): a hyperbolic network maps
 * the 75 entity probabilities F_logit into the Poincare ball, where training pulls each image
 * towards the batch member whose report statuses are closest in Hamming distance.
 *
 * <pre>
 * F_logit (B, 75) -> x = proj(expmap0(F_logit)) -> [HypLinear, HypAct] x layers -> H (B, dh)
 * D = pairwise Poincare distances (B, B), diagonal dropped -> (B, B-1)
 * L_rank = CE(-D, pi), pi_i = first argmin_j of Hamming(status_i, status_j), j != i (no temperature)
 * </pre>
 *
 * Members {@code layers.N} (HypLinear). At generation the same {@link #embed} encodes the query
 * images and the training database for top-1 retrieval by distance.
 */
public final class RetrievalEnhancer extends Module {
    public static final int ENTITIES = 75;

    public final ModuleList<HypLinear> layers;
    private final double c;
    private final int dim;

    public RetrievalEnhancer(NnContext ctx, RevtafConfig.Hnn cfg) {
        c = cfg.curvature();
        dim = cfg.hidden();
        layers = child("layers", new ModuleList<>());
        int in = ENTITIES;
        for (int i = 0; i < cfg.layers(); i++) {
            layers.add(new HypLinear(ctx, in, cfg.hidden(), c));
            in = cfg.hidden();
        }
    }

    public double curvature() {
        return c;
    }

    /** Width dh of the hyperbolic embedding. */
    public int dim() {
        return dim;
    }

    /** F_logit (B, 75) -> points H (B, dh) on the ball. */
    public Tensor embed(Tensor fLogit) {
        if (fLogit.rank() != 2 || fLogit.shape(1) != ENTITIES)
            throw new RevtafException("retrieval enhancer: f_logit " + java.util.Arrays.toString(fLogit.shape())
                    + " should be [B, " + ENTITIES + "]");
        Tensor h = F.proj(F.expmap0(fLogit, c), c);
        for (HypLinear l : layers.items()) h = HypLinear.act(l.forward(h), c);
        return h;
    }

    /**
     * L_rank of embeddings h (B, dh) for statuses labels (B, 18) int64; 0 (a constant) for a batch
     * of one, which has no other member to rank.
     */
    public Tensor rankLoss(Tensor h, Tensor labels) {
        int b = h.shape(0);
        if (b < 2) return Tensor.scalar(h.device(), h.dtype(), 0);
        int[] target = rankTargets(labels.toLongs(), b);
        long[] cols = new long[b * (b - 1)];
        for (int i = 0; i < b; i++) for (int k = 0; k < b - 1; k++) cols[i * (b - 1) + k] = k < i ? k : k + 1;
        Tensor d = F.poincareDist(h, h, c); // (B, B)
        Tensor off = F.gather(d, 1, Tensor.ofLongs(h.device(), cols, b, b - 1)); // (B, B-1), diagonal dropped
        long[] t = new long[b];
        for (int i = 0; i < b; i++) t[i] = target[i];
        return F.crossEntropy(off.neg(), Tensor.ofLongs(h.device(), t, b), -100, 0);
    }

    /**
     * The rank-loss targets: for each row i the column, in the diagonal-dropped numbering (j for
     * j &lt; i, j - 1 for j &gt; i), of the first other row with the smallest Hamming distance
     * between the 72-bit one-hot status vectors.
     *
     * @param labels (B, 18) status codes, row-major
     */
    public static int[] rankTargets(long[] labels, int b) {
        int k = StatusClassifier.CLASSES;
        if (labels.length != b * k)
            throw new RevtafException("rank loss: " + labels.length + " labels for a batch of " + b + " x " + k);
        int[][] s = new int[b][k];
        for (int i = 0; i < b; i++) for (int j = 0; j < k; j++) s[i][j] = Math.toIntExact(labels[i * k + j]);
        int[] nearest = StatusVectors.nearestNeighboursReference(s); // original numbering
        int[] out = new int[b];
        for (int i = 0; i < b; i++) out[i] = nearest[i] < i ? nearest[i] : nearest[i] - 1;
        return out;
    }
}
