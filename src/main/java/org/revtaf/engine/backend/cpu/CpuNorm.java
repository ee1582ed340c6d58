package org.revtaf.engine.backend.cpu;

import static org.revtaf.engine.backend.Buf.F32.of;

import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.LayerNormArgs;
import org.revtaf.engine.backend.NormKernels;
import org.revtaf.engine.backend.cpu.kernels.Norm;
import org.revtaf.engine.tensor.Tensor;

/** Layer norm and batch norm (with the residual and ReLU fused) on the float32 Norm kernels. */
final class CpuNorm implements NormKernels {
    @Override
    public void layerNorm(LayerNormArgs<Tensor> a, int rows, int d, double eps) {
        Norm.layerNormForward(a.map(Buf.F32::of), rows, d, (float) eps);
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, LayerNormArgs<Tensor> a, int rows, int d) {
        Norm.layerNormBackward(of(dx), of(dw), of(db), of(dy), a.map(Buf.F32::of), rows, d);
    }

    @Override
    public boolean batchNorm(BatchNormArgs<Tensor> a, BatchNormGeom geom) {
        Norm.batchNormForward(a.map(Buf.F32::of), geom);
        return true;
    }

    @Override
    public void batchNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, BatchNormArgs<Tensor> a, BatchNormGeom geom) {
        Norm.batchNormBackward(of(dx), of(dw), of(db), of(dy), a.map(Buf.F32::of), geom);
    }
}
