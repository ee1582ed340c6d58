/**
 * Fast CPU kernels of the cpu backend: static methods on float arrays with offsets, row-major and
 * contiguous, each beside a plain scalar reference used by the tests as the oracle (llm.c style).
 *
 * <ul>
 *   <li>{@link org.revtaf.backend.cpu.kernels.Parallel}: the one ForkJoinPool (size =
 *       cores or {@code -Drevtaf.threads}); range/task helpers with a grain so tiny work stays
 *       serial; nested calls run serially.
 *   <li>{@link org.revtaf.backend.cpu.kernels.Gemm} / {@code GemmRef}: SGEMM with transposes,
 *       strided leading dimensions, alpha/beta, batched variant, and packing sources for implicit
 *       operands.
 *   <li>{@link org.revtaf.backend.cpu.kernels.Conv2d} / {@code Conv2dRef} with
 *       {@link org.revtaf.backend.Conv2dGeom}: NCHW forward, backward-data,
 *       backward-weight (+ bias), stride, padding, dilation, groups.
 *   <li>{@link org.revtaf.backend.cpu.kernels.Pool} / {@code PoolRef} with
 *       {@link org.revtaf.backend.Pool2dGeom}: max (argmax indices), avg, adaptive avg.
 *   <li>{@link org.revtaf.backend.cpu.kernels.Norm} / {@code NormRef}: layer norm, batch norm 2-D
 *       (train with running stats, eval, backward).
 *   <li>{@link org.revtaf.backend.cpu.kernels.Softmax} / {@code SoftmaxRef}: softmax and
 *       log-softmax over the last axis.
 *   <li>{@link org.revtaf.backend.cpu.kernels.VecMath} / {@code VecMathRef}: exp, log, tanh,
 *       sigmoid, exact gelu, erf, relu and their backward helpers, with documented accuracy.
 * </ul>
 *
 * <p>Conventions: outputs and gradients are overwritten, never accumulated (except GEMM with
 * beta != 0); optional operands (bias, gamma, beta, saved statistics) may be null; invalid
 * geometry throws IllegalArgumentException naming the sizes.
 */
package org.revtaf.backend.cpu.kernels;
