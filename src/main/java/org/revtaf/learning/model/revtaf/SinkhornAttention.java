package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Dropout;
import org.revtaf.learning.nn.LayerNorm;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * One FVTAF branch (paper Eq. 10-11, METHOD.md section 3): optimal-transport cross-attention from
 * the visual tokens to a set of text prompts (MPSA, OTSeg), then the residual fusion.
 *
 * <pre>
 * v (B, P, d) visual tokens, t (B, T, d) text prompts, tokenMask (B, T) 1 valid / 0 padding
 * Q = normalize(phi_q(v)), K = normalize(phi_k(t)), V = phi_v(t)
 * sim = Q K^T (B, P, T);  plan = Sinkhorn(1 - sim) (uniform 1/P over pixels, 1/T over valid tokens)
 * real:     F = proj((P * plan) V);  maps M = P * T * sim * plan, transposed (B, T, P)
 * released: plan = 1/P (one problem per token);  F = proj(plan V);  M = P * sim * plan = sim
 * fused = f_proj(norm(dropout(F) + v)) (B, P, d)
 * </pre>
 *
 * T in the map scaling is each item's number of valid tokens; masked tokens get a zero plan and
 * zero maps. The released mode reproduces the public code (study section 1.6): its transport runs
 * per text token over the pixels with a single column, so the plan is 1/P and the maps are the
 * similarities. Members {@code phi_q}, {@code phi_k}, {@code phi_v}, {@code proj}, {@code norm},
 * {@code f_proj}.
 */
public final class SinkhornAttention extends Module {
    public final Linear phiQ, phiK, phiV, proj, fProj;
    public final LayerNorm norm;
    private final Dropout dropout;
    private final RevtafConfig.Ot ot;
    private final int d;

    public SinkhornAttention(NnContext ctx, int d, double dropout, RevtafConfig.Ot ot) {
        this.d = d;
        this.ot = ot;
        phiQ = child("phi_q", new Linear(ctx, d, d, true));
        phiK = child("phi_k", new Linear(ctx, d, d, true));
        phiV = child("phi_v", new Linear(ctx, d, d, true));
        proj = child("proj", new Linear(ctx, d, d, true));
        norm = child("norm", new LayerNorm(ctx, d, 1e-5));
        fProj = child("f_proj", new Linear(ctx, d, d, true));
        this.dropout = child("dropout", new Dropout(ctx, dropout));
    }

    /**
     * @param fused (B, P, d) the enhanced visual tokens
     * @param maps (B, T, P) attention maps M_c (zero rows for masked tokens)
     * @param plan (B, P, T) the transport plan
     */
    public record Result(Tensor fused, Tensor maps, Tensor plan) {}

    /**
     * @param v (B, P, d) projected visual tokens
     * @param t (B, T, d) projected text prompts
     * @param tokenMask (B, T) nonzero for valid tokens, or null (all valid)
     */
    public Result forward(Tensor v, Tensor t, Tensor tokenMask) {
        int b = v.shape(0), p = v.shape(1), nt = t.shape(1);
        if (v.rank() != 3 || v.shape(2) != d || t.rank() != 3 || t.shape(0) != b || t.shape(2) != d)
            throw new RevtafException("sinkhorn attention: visual " + java.util.Arrays.toString(v.shape())
                    + " and text " + java.util.Arrays.toString(t.shape()) + " should be [B, P, " + d + "] and [B, T, "
                    + d + "]");
        Tensor q = normalize(phiQ.forward(v)); // (B, P, d)
        Tensor k = normalize(phiK.forward(t)); // (B, T, d)
        Tensor val = phiV.forward(t); // (B, T, d)
        Tensor sim = q.matmul(k.transpose(1, 2)); // (B, P, T)
        Tensor cost = sim.neg().add(1.0);
        Tensor plan, attn, mapScale;
        if (ot.mode() == RevtafConfig.OtMode.REAL) {
            plan = F.sinkhorn(cost, null, tokenMask, ot.eps(), ot.maxIter(), ot.tol());
            attn = plan.mul(p);
            mapScale = validTokens(tokenMask, b, nt, v).mul(p); // (B, 1, 1): P * T_valid
        } else {
            plan = F.sinkhornReleased(cost, null, tokenMask, ot.eps(), ot.maxIter(), ot.tol());
            attn = plan;
            mapScale = null;
        }
        Tensor maps = sim.mul(plan); // (B, P, T)
        maps = mapScale == null ? maps.mul(p) : maps.mul(mapScale);
        Tensor out = proj.forward(attn.matmul(val)); // (B, P, d)
        Tensor fused = fProj.forward(norm.forward(dropout.forward(out).add(v)));
        return new Result(fused, maps.transpose(1, 2).contiguous(), plan);
    }

    /**
     * Number of valid tokens per item as (B, 1, 1) (T when there is no mask), counted on the mask's
     * device (exact: a sum of 0/1 values).
     */
    private static Tensor validTokens(Tensor tokenMask, int b, int nt, Tensor like) {
        if (tokenMask == null) return Tensor.full(like.device(), like.dtype(), nt, b, 1, 1);
        return F.sum(OnDevice.nonZero(tokenMask, like.dtype()), false, 1).reshape(b, 1, 1);
    }

    /** x / max(|x|, 1e-12) over the last axis (torch F.normalize). */
    static Tensor normalize(Tensor x) {
        // sqrt of the clamped square: a zero row gets a finite (zero) gradient
        Tensor n = F.sqrt(F.clamp(F.sum(x.mul(x), true, -1), 1e-24, Double.POSITIVE_INFINITY));
        return x.div(n);
    }
}
