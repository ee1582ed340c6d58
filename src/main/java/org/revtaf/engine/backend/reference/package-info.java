/**
 * The reference backend and every double-precision oracle. Oracles are static methods at array
 * level on {@link org.revtaf.engine.backend.Buf.F64} buffers with the signatures of the fast kernels
 * ({@code RefNorm.layerNormForward} beside {@code Norm.layerNormForward}, {@code
 * SoftIouRef.forward} beside {@code SoftIouCpu.forward}, ...): obvious loops, double accumulation,
 * the contracts the cpu kernels and the CUDA kernels are tested against. The reference backend's
 * kernel families ({@code Ref*} implementing the {@code *Kernels} interfaces) run them on tensors
 * of any floating dtype through {@code Staging} (float64 tensors passed as their own arrays, others
 * as double copies rounded back once); float64 is what the gradient checks use.
 */
package org.revtaf.engine.backend.reference;
