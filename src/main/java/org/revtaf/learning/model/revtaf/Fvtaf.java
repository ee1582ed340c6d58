package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * Fine-grained Visual-Text Alignment and Fusion (paper Eq. 10-11, METHOD.md section 3): the visual
 * tokens and the two kinds of text prompts are projected to a common width d, two {@link
 * SinkhornAttention} branches fuse the GRPs (sentences of the retrieved report) and the LRPs (the
 * 75 entity triplets) into the visual tokens, and the two fused streams, concatenated, are the
 * decoder's memory (the raw visual tokens are not).
 *
 * <pre>
 * tokens (B, P, C) -> v = vision_proj (B, P, d)
 * grp (B, N, dt), grp_mask (B, N) -> tg = text_proj_global (B, N, d) -> global branch -> Fg (B, P, d), Mg (B, N, P)
 * lrp (B, M, dt)                  -> tl = text_proj_local  (B, M, d) -> local branch  -> Fl (B, P, d), Ml (B, M, P)
 * memory = concat(Fg, Fl) (B, P, 2d)
 * </pre>
 *
 * With {@code fusion.shared_attention} one branch module ({@code shared}) serves both calls, as in
 * the released code; otherwise members {@code global} and {@code local}.
 */
public final class Fvtaf extends Module {
    public final Linear visionProj, textProjGlobal, textProjLocal;
    public final SinkhornAttention global, local;
    private final int width;

    public Fvtaf(NnContext ctx, int visualWidth, int textWidth, RevtafConfig.Fusion fusion, RevtafConfig.Ot ot) {
        width = fusion.width();
        visionProj = child("vision_proj", new Linear(ctx, visualWidth, width, true));
        textProjGlobal = child("text_proj_global", new Linear(ctx, textWidth, width, true));
        textProjLocal = child("text_proj_local", new Linear(ctx, textWidth, width, true));
        if (fusion.sharedAttention()) {
            global = child("shared", new SinkhornAttention(ctx, width, fusion.dropout(), ot));
            local = global;
        } else {
            global = child("global", new SinkhornAttention(ctx, width, fusion.dropout(), ot));
            local = child("local", new SinkhornAttention(ctx, width, fusion.dropout(), ot));
        }
    }

    /** Width of the decoder memory: 2d. */
    public int memoryWidth() {
        return 2 * width;
    }

    /**
     * @param memory (B, P, 2d) decoder memory
     * @param mapsGlobal (B, N, P) GRP attention maps
     * @param mapsLocal (B, M, P) LRP attention maps
     * @param textGlobal (B, N, d) projected GRPs (for the FCC similarity)
     * @param textLocal (B, M, d) projected LRPs
     */
    public record Output(Tensor memory, Tensor mapsGlobal, Tensor mapsLocal, Tensor textGlobal, Tensor textLocal) {}

    /**
     * @param tokens (B, P, C) visual tokens
     * @param grp (B, N, dt) GRP sentence embeddings
     * @param grpMask (B, N) 1 for sentences, 0 for padding (null: all valid)
     * @param lrp (B, M, dt) LRP triplet embeddings (all valid)
     */
    public Output forward(Tensor tokens, Tensor grp, Tensor grpMask, Tensor lrp) {
        int b = tokens.shape(0);
        check("grp", grp, b, -1, textProjGlobal.weight.shape(1));
        check("lrp", lrp, b, RetrievalEnhancer.ENTITIES, textProjLocal.weight.shape(1));
        if (grpMask != null && (grpMask.rank() != 2 || grpMask.shape(0) != b || grpMask.shape(1) != grp.shape(1)))
            throw new RevtafException("fvtaf: grp_mask " + java.util.Arrays.toString(grpMask.shape()) + " should be ["
                    + b + ", " + grp.shape(1) + "]");
        Tensor v = visionProj.forward(tokens);
        Tensor tg = textProjGlobal.forward(grp), tl = textProjLocal.forward(lrp);
        SinkhornAttention.Result g = global.forward(v, tg, grpMask);
        SinkhornAttention.Result l = local.forward(v, tl, null);
        return new Output(F.concat(2, g.fused(), l.fused()), g.maps(), l.maps(), tg, tl);
    }

    /** t (b, n, dt); n any when n < 0. */
    private static void check(String what, Tensor t, int b, int n, int dt) {
        if (t == null || t.rank() != 3 || t.shape(0) != b || (n >= 0 && t.shape(1) != n) || t.shape(2) != dt)
            throw new RevtafException("fvtaf: " + what + " "
                    + (t == null ? "missing" : java.util.Arrays.toString(t.shape())) + " should be [" + b + ", "
                    + (n < 0 ? "S" : n) + ", " + dt + "] (dt = the cache's text_width)");
    }
}
