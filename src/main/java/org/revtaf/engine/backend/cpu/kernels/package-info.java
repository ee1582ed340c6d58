/**
 * Every fast float32 kernel of the cpu backend: static methods on {@link org.revtaf.engine.backend.Buf.F32}
 * buffers (row-major, contiguous from the buffer's offset), Vector API with scalar tails and
 * parallel tasks over rows or batches. Each has a double oracle of the same signature in {@code
 * backend/reference}, and the tests hold the two together at odd shapes (llm.c style).
 *
 * <ul>
 *   <li>{@link org.revtaf.engine.backend.cpu.kernels.Parallel}: the one thread team (the caller plus
 *       spinning workers; size = cores or {@code -Drevtaf.threads}); range/task helpers with a grain
 *       so tiny work stays serial.
 *   <li>{@link org.revtaf.engine.backend.cpu.kernels.Gemm}: SGEMM with transposes, strided leading
 *       dimensions, alpha/beta, batched variant, packing sources for implicit operands.
 *   <li>{@link org.revtaf.engine.backend.cpu.kernels.Conv2d}, {@link org.revtaf.engine.backend.cpu.kernels.Pool}:
 *       NCHW convolution (forward, backward-data, backward-weight + bias) and pooling (max with
 *       argmax, avg, adaptive avg) on {@link org.revtaf.engine.backend.Conv2dGeom} / {@link
 *       org.revtaf.engine.backend.Pool2dGeom}.
 *   <li>{@link org.revtaf.engine.backend.cpu.kernels.Norm}: layer norm, batch norm (train, eval, backward).
 *   <li>{@link org.revtaf.engine.backend.cpu.kernels.Softmax}, {@link org.revtaf.engine.backend.cpu.kernels.VecMath}:
 *       softmax / log-softmax rows; exp, log, tanh, sigmoid, exact gelu, erf, relu and their
 *       backward helpers (oracle: {@link org.revtaf.engine.backend.ScalarMath}).
 *   <li>The REVTAF fused ops: {@link org.revtaf.engine.backend.cpu.kernels.HyperbolicCpu}, {@link
 *       org.revtaf.engine.backend.cpu.kernels.SinkhornCpu}, {@link org.revtaf.engine.backend.cpu.kernels.SoftIouCpu},
 *       {@link org.revtaf.engine.backend.cpu.kernels.AttentionCpu} (helpers {@code Vec}, entry checks
 *       {@code Args}).
 * </ul>
 *
 * <p>Conventions: outputs first, then inputs, sizes, scalars; outputs and gradients are
 * overwritten, never accumulated (except GEMM with beta != 0); optional operands (bias, gamma,
 * beta, saved statistics, gradients) may be null; invalid geometry throws IllegalArgumentException
 * naming the op and the argument (a caller bug: the ops report user errors before calling down).
 */
package org.revtaf.engine.backend.cpu.kernels;
