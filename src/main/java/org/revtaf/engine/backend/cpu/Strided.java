package org.revtaf.engine.backend.cpu;

import org.revtaf.engine.tensor.Tensor;

/**
 * Layout of several same-shape views, with adjacent axes merged wherever every view is contiguous
 * across them (a broadcast bias add over (b, t, d) becomes rows x d, a plain add one row). Kernels
 * then loop over rows (the leading axes) and run a vector loop over the last axis.
 */
final class Strided {
    final int[] shape;
    /** strides[k][axis] for view k. */
    final int[][] strides;

    final int[] offsets;
    final int rows;
    final int cols;

    Strided(Tensor... views) {
        int[] sh = views[0].shapeRef();
        int r = sh.length;
        int[] s = new int[Math.max(r, 1)];
        int[][] st = new int[views.length][Math.max(r, 1)];
        int n = 0;
        for (int ax = 0; ax < r; ax++) {
            if (sh[ax] == 1) continue; // size-1 axes carry no stride information
            boolean merge = n > 0;
            for (int k = 0; merge && k < views.length; k++) merge = st[k][n - 1] == views[k].stridesRef()[ax] * sh[ax];
            if (merge) {
                s[n - 1] *= sh[ax];
                for (int k = 0; k < views.length; k++) st[k][n - 1] = views[k].stridesRef()[ax];
            } else {
                s[n] = sh[ax];
                for (int k = 0; k < views.length; k++) st[k][n] = views[k].stridesRef()[ax];
                n++;
            }
        }
        if (n == 0) {
            s[0] = 1;
            for (int k = 0; k < views.length; k++) st[k][0] = 1;
            n = 1;
        }
        this.shape = java.util.Arrays.copyOf(s, n);
        this.strides = new int[views.length][];
        for (int k = 0; k < views.length; k++) strides[k] = java.util.Arrays.copyOf(st[k], n);
        this.offsets = new int[views.length];
        for (int k = 0; k < views.length; k++) offsets[k] = views[k].offset();
        this.cols = shape[n - 1];
        int rr = 1;
        for (int i = 0; i < n - 1; i++) rr *= shape[i];
        this.rows = views[0].numel() == 0 ? 0 : rr;
    }

    /** Stride of view k along the last (column) axis. */
    int colStride(int k) {
        return strides[k][shape.length - 1];
    }

    /** Storage offset of view k at the start of row r. */
    int rowOffset(int k, int r) {
        int o = offsets[k];
        for (int ax = shape.length - 2; ax >= 0; ax--) {
            int i = r % shape[ax];
            r /= shape[ax];
            o += i * strides[k][ax];
        }
        return o;
    }
}
