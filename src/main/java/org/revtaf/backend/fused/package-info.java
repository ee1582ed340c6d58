/**
 * The REVTAF fused ops at array level, forward and hand-written backward, each as a scalar double
 * reference ({@code *Ref}, the oracle: obvious loops) and a fast float32 cpu kernel ({@code *Cpu}:
 * Vector API with scalar tails, fork-join over rows or batches). The CUDA kernels (kernels/) mirror
 * the references; the autograd layer wraps these methods as ops.
 *
 * <p><b>Conventions of every method</b>
 *
 * <ul>
 *   <li>Arrays are row-major and contiguous from the given offset ({@code xxxOff}); shapes are in
 *       each method's Javadoc as [dim, ...]. Argument order: outputs, inputs, sizes, scalars.
 *   <li>Backward methods <b>overwrite</b> their gradient outputs (never accumulate); passing null
 *       for a gradient output skips it. Inputs are never modified. Saved tensors for backward are
 *       named in each backward's Javadoc (usually the forward inputs plus small outputs such as the
 *       attention lse or the Sinkhorn u/v history).
 *   <li>Masks are float arrays, nonzero = valid/attend, null = everything valid.
 *   <li>The ref and cpu variants of an op compute the same function (same clamps and epsilons);
 *       tests hold them together at odd shapes, and hold every backward to central finite
 *       differences on the reference.
 * </ul>
 *
 * <p><b>Ops</b>
 *
 * <ul>
 *   <li>{@link org.revtaf.backend.fused.HyperbolicRef} / {@link org.revtaf.backend.fused.HyperbolicCpu}:
 *       Poincare ball (curvature c): mobiusAdd [n,d] (+) [n,d] or [1,d]; rowMap EXPMAP0 / LOGMAP0 /
 *       PROJ [n,d]; mobiusMatvec W [m,d], x [n,d] -> [n,m]; poincareDist x [n,d], y [m,d] -> [n,m]
 *       without an [n,m,d] intermediate. Scalar formulas and clamps: {@link
 *       org.revtaf.backend.fused.PoincareScalar}.
 *   <li>{@link org.revtaf.backend.fused.SinkhornRef} / {@link org.revtaf.backend.fused.SinkhornCpu}:
 *       batched log-domain Sinkhorn, cost [b,p,t], pixel and token masks, plan [b,p,t], u/v
 *       history for the exact unrolled backward; released mode (per-token columns).
 *   <li>{@link org.revtaf.backend.fused.SoftIouRef} / {@link org.revtaf.backend.fused.SoftIouCpu}:
 *       a [b,n,p], b [b,m,p] -> sum min / (sum max + 1e-8) [b,n,m].
 *   <li>{@link org.revtaf.backend.fused.AttentionRef} / {@link org.revtaf.backend.fused.AttentionCpu}:
 *       scaled-dot-product attention q [b,h,n,d], k, v [b,h,s,d], key-padding mask [b,s], causal;
 *       out [b,h,n,d] and lse [b,h,n].
 * </ul>
 */
package org.revtaf.backend.fused;
