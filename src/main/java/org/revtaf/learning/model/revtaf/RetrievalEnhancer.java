package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.domain.text.StatusVectors;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
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
    private Tensor cols; // (B, B-1) int64 off-diagonal columns of the last batch size, kept on the device

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
     * of one, which has no other member to rank. Targets and the diagonal-dropping columns are
     * built on h's device (no host copy).
     */
    public Tensor rankLoss(Tensor h, Tensor labels) {
        int b = h.shape(0);
        if (b < 2) return Tensor.scalar(h.device(), h.dtype(), 0);
        Tensor cols = columns(h.device(), b); // (B, B-1)
        Tensor d = F.poincareDist(h, h, c); // (B, B)
        Tensor off = F.gather(d, 1, cols); // (B, B-1), diagonal dropped
        return F.crossEntropy(off.neg(), rankTargets(labels, cols, h.dtype()), -100, 0);
    }

    /** The cached off-diagonal columns for a batch of b on device (rebuilt when either changes). */
    private Tensor columns(Device device, int b) {
        if (cols == null || cols.device() != device || cols.shape(0) != b)
            cols = OnDevice.offDiagonalColumns(device, b);
        return cols;
    }

    /**
     * {@link #rankTargets(long[], int)} as tensor ops on the labels' device: the number of classes
     * on which rows i and j agree (18 minus half the Hamming distance of the one-hot vectors),
     * gathered with the diagonal dropped, and its first argmax.
     *
     * @param labels (B, 18) int64 status codes
     * @param cols (B, B-1) int64 from {@link OnDevice#offDiagonalColumns}
     * @param dtype a floating dtype of the labels' device to count in
     * @return (B) int64 targets in the diagonal-dropped numbering
     */
    static Tensor rankTargets(Tensor labels, Tensor cols, DType dtype) {
        int b = cols.shape(0), k = StatusClassifier.CLASSES;
        if (labels.rank() != 2 || labels.shape(0) != b || labels.shape(1) != k)
            throw new RevtafException("rank loss: labels " + java.util.Arrays.toString(labels.shape())
                    + " for a batch of " + b + " should be [" + b + ", " + k + "]");
        Tensor s = OnDevice.cast(labels, dtype); // (B, 18), small integers: exact
        Tensor agree = F.sum(F.eq(s.reshape(b, 1, k), s.reshape(1, b, k)), false, 2); // (B, B)
        return F.argmax(F.gather(agree, 1, cols), 1, false); // (B): first most agreeing other row
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
