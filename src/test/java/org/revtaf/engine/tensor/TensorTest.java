package org.revtaf.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;

class TensorTest {
    private static Tensor arange(int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.ofDoubles(Device.CPU, DType.FLOAT32, v, shape);
    }

    @Test
    void viewsShareStorageAndHaveTheRightStrides() {
        Tensor x = arange(2, 3, 4);
        assertArrayEquals(new int[] {12, 4, 1}, x.stridesRef());
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shapeRef());
        assertArrayEquals(new int[] {1, 12, 4}, p.stridesRef());
        assertSame(x.storage(), p.storage());
        assertFalse(p.isContiguous());
        assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
        Tensor s = x.slice(1, 1, 3);
        assertEquals(4, s.offset());
        assertEquals(x.get(1, 2, 0), s.get(1, 1, 0));
        Tensor e = arange(1, 4).expand(3, 4);
        assertArrayEquals(new int[] {0, 1}, e.stridesRef());
        assertArrayEquals(new double[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}, e.toDoubles());
        Tensor t = x.transpose(0, 2).contiguous();
        assertTrue(t.isContiguous());
        assertEquals(x.get(1, 0, 3), t.get(3, 0, 1));
        Tensor r = p.reshape(4, 6); // non-contiguous source: a copy in C order of p
        assertEquals(p.get(2, 1, 1), r.get(2, 4));
        assertEquals(2, x.reshape(-1, 12).shape(0));
    }

    @Test
    void badShapesAreClearErrors() {
        Tensor x = arange(2, 3);
        RevtafException e = assertThrows(RevtafException.class, () -> x.reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> x.slice(1, 2, 5));
        assertTrue(e.getMessage().contains("slice"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> x.expand(4, 3));
        assertTrue(e.getMessage().contains("expand"), e.getMessage());
    }

    @Test
    void ndArrayRoundTripKeepsDtypeShapeAndValues() {
        Tensor x = arange(3, 2);
        NdArray a = x.toNdArray();
        assertEquals(DType.FLOAT32, a.dtype());
        Tensor y = Tensor.fromNdArray(a, Device.REFERENCE);
        assertArrayEquals(x.toDoubles(), y.toDoubles());
        Tensor idx = Tensor.fromNdArray(NdArray.ofInts(new long[] {2}, 5, 7), Device.CPU);
        assertEquals(DType.INT64, idx.dtype());
        assertArrayEquals(new long[] {5, 7}, idx.toLongs());
    }

    @Test
    void bfloat16TensorsRoundToNearestAndRunOpsOnBothDevices() {
        assertEquals((short) 0x3f80, HeapStorage.toBf16(1.0f));
        assertEquals((short) 0x3f81, HeapStorage.toBf16(Float.intBitsToFloat(0x3f80c000))); // above half: up
        assertEquals((short) 0x3f80, HeapStorage.toBf16(Float.intBitsToFloat(0x3f808000))); // tie to even: down
        for (Device d : new Device[] {Device.REFERENCE, Device.CPU}) {
            Tensor a = Tensor.ofDoubles(d, DType.BFLOAT16, new double[] {1, 2, 3, 4}, 2, 2);
            Tensor y = F.matmul(a, a);
            assertEquals(DType.BFLOAT16, y.dtype());
            assertArrayEquals(new double[] {7, 10, 15, 22}, y.toDoubles());
        }
    }

    @Test
    void deviceNamesParseAndCudaIsNotAvailableYet() {
        assertEquals(Device.CUDA_EMU, Device.parse("cuda-emu"));
        RevtafException e = assertThrows(RevtafException.class, () -> Device.parse("tpu"));
        assertTrue(e.getMessage().contains("--device"), e.getMessage());
        Tensor x = arange(2);
        e = assertThrows(RevtafException.class, () -> F.to(x, Device.CUDA));
        assertTrue(e.getMessage().contains("not available"), e.getMessage());
    }
}
