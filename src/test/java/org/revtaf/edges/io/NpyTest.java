package org.revtaf.edges.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.revtaf.edges.io.IoTestSupport.assertFailedWriteKeeps;
import static org.revtaf.edges.io.IoTestSupport.assertFails;
import static org.revtaf.edges.io.IoTestSupport.bytes;
import static org.revtaf.edges.io.IoTestSupport.f32s;
import static org.revtaf.edges.io.IoTestSupport.put;
import static org.revtaf.edges.io.IoTestSupport.u16;
import static org.revtaf.edges.io.IoTestSupport.u32;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;

class NpyTest {
    private static final String MAGIC = "\u0093NUMPY";

    @TempDir
    Path dir;

    /** The header np.save writes: magic, version 1.0, uint16 length, dict, space padding, '\n'. */
    private static byte[] numpyV1Header(int headerLen, String dict) {
        return bytes(MAGIC, new byte[] {1, 0}, u16(headerLen), dict, " ".repeat(headerLen - 1 - dict.length()), "\n");
    }

    @Test
    void writesExactlyWhatNumpyWritesFor2dFloat32() throws IOException {
        // np.save(f, np.arange(1, 13, dtype=np.float32).reshape(3, 4)): 118-byte header, 176-byte file
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Path f = dir.resolve("a.npy");
        Npy.write(f, NdArray.ofFloats(new long[] {3, 4}, v));
        byte[] expected =
                bytes(numpyV1Header(118, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"), f32s(v));
        assertEquals(176, expected.length);
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void headersMatchNumpyForScalarVectorAndByteTypes() {
        assertArrayEquals(
                numpyV1Header(118, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"),
                Npy.header(DType.FLOAT64, new long[] {}, dir));
        assertArrayEquals(
                numpyV1Header(118, "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"),
                Npy.header(DType.INT64, new long[] {5}, dir));
        assertArrayEquals(
                numpyV1Header(118, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }"),
                Npy.header(DType.UINT8, new long[] {2, 3}, dir));
        assertArrayEquals(
                numpyV1Header(118, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }"),
                Npy.header(DType.BOOL, new long[] {2}, dir));
        // 40 axes of 1: NumPy's header grows to 246 bytes (data at 256)
        long[] ones = new long[40];
        Arrays.fill(ones, 1);
        String shape = "(" + String.join(", ", java.util.Collections.nCopies(40, "1")) + ")";
        assertArrayEquals(
                numpyV1Header(246, "{'descr': '<i4', 'fortran_order': False, 'shape': " + shape + ", }"),
                Npy.header(DType.INT32, ones, dir));
    }

    @Test
    void dataStartsAtMultipleOf64EvenWhenPaddingIsAFullBlock() {
        for (int rank = 0; rank < 30; rank++) {
            long[] shape = new long[rank];
            Arrays.fill(shape, 7);
            byte[] h = Npy.header(DType.FLOAT32, shape, dir);
            assertEquals(0, h.length % 64, "rank " + rank);
            assertEquals('\n', h[h.length - 1]);
        }
    }

    @Test
    void roundTripsEveryWritableDtype() {
        NdArray[] arrays = {
            NdArray.ofFloats(new long[] {2, 3}, 1.5f, -2f, 0f, Float.MAX_VALUE, Float.MIN_VALUE, -0f),
            NdArray.ofDoubles(new long[] {3}, Math.PI, -1e300, 4.9e-324),
            NdArray.ofInts(new long[] {2, 2}, Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE),
            NdArray.ofLongs(new long[] {1, 1, 2}, Long.MIN_VALUE, Long.MAX_VALUE),
            NdArray.ofDoubles(new long[] {}, 42.0),
            NdArray.ofFloats(new long[] {0, 5}),
            bytesArray(DType.UINT8, new long[] {4}, 0, 1, 200, 255),
            bytesArray(DType.BOOL, new long[] {2, 2}, 1, 0, 0, 1),
            bytesArray(DType.FLOAT16, new long[] {2}, 0x00, 0x3c, 0x00, 0xc0) // 1.0, -2.0
        };
        for (int i = 0; i < arrays.length; i++) {
            Path f = dir.resolve("r" + i + ".npy");
            Npy.write(f, arrays[i]);
            NdArray back = Npy.read(f);
            assertEquals(arrays[i], back, arrays[i].toString());
            assertEquals(0, back.data().address() % 64, "data 64-byte aligned");
        }
        assertArrayEquals(new float[] {1f, -2f}, Npy.read(dir.resolve("r8.npy")).toFloats());
    }

    private static NdArray bytesArray(DType t, long[] shape, int... v) {
        MemorySegment s = Arena.ofAuto().allocate(v.length);
        for (int i = 0; i < v.length; i++) s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) v[i]);
        return new NdArray(t, shape, s);
    }

    @Test
    void writesVersion2WhenTheHeaderOutgrows64KiB() {
        long[] shape = new long[22_000]; // "1, " x 22000 > 65535 bytes of header
        Arrays.fill(shape, 1);
        Path f = dir.resolve("big-header.npy");
        Npy.write(f, NdArray.ofFloats(shape, 3.25f));
        Npy.Header h = Npy.readHeader(f);
        assertEquals(0, h.dataOffset() % 64);
        assertArrayEquals(shape, h.shape());
        assertArrayEquals(new float[] {3.25f}, Npy.read(f).toFloats());
    }

    @Test
    void readsVersion2And3AndOlderHeaderSpellings() throws IOException {
        String dict = "{\"descr\": \"<f4\", \"shape\": (2L,), \"fortran_order\": False}\n"; // Python 2 style
        byte[] v2 = bytes(MAGIC, new byte[] {2, 0}, u32(dict.length()), dict, f32s(1, 2));
        assertArrayEquals(new float[] {1, 2}, Npy.read(put(dir, "v2.npy", v2)).toFloats());

        String d3 = "{'descr':'<i8','fortran_order':False,'shape':(1,1)}\n";
        byte[] v3 = bytes(MAGIC, new byte[] {3, 0}, u32(d3.length()), d3, IoTestSupport.i64s(-7));
        NdArray a = Npy.read(put(dir, "v3.npy", v3));
        assertArrayEquals(new long[] {1, 1}, a.shape());
        assertArrayEquals(new long[] {-7}, a.toLongs());

        String d1 = "{'descr': '=f8', 'fortran_order': False, 'shape': (), }\n"; // native order spelled '='
        byte[] v1 =
                bytes(MAGIC, new byte[] {1, 0}, u16(d1.length()), d1, IoTestSupport.i64s(Double.doubleToLongBits(2.5)));
        assertArrayEquals(new double[] {2.5}, Npy.read(put(dir, "v1.npy", v1)).toDoubles());
    }

    /** Reading {@code file} fails with a message naming it and holding {@code fragment}. */
    private static void rejected(String fragment, Path file) {
        assertFails(file, fragment, () -> Npy.read(file));
    }

    /** A version-1.0 header dict as NumPy writes it; {@code descr} and {@code shape} as Python literals. */
    private static String dict(String descr, boolean fortranOrder, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': " + shape
                + ", }\n";
    }

    private Path withDict(String name, String dict, byte[] data) throws IOException {
        return put(dir, name, bytes(MAGIC, new byte[] {1, 0}, u16(dict.length()), dict, data));
    }

    @Test
    void badFilesAreClearErrorsNamingTheFile() throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.write(good, NdArray.ofFloats(new long[] {2, 2}, 1, 2, 3, 4));
        byte[] g = Files.readAllBytes(good);

        rejected("truncated", put(dir, "trunc-data.npy", Arrays.copyOf(g, g.length - 3)));
        rejected("truncated", put(dir, "tiny.npy", Arrays.copyOf(g, 5)));
        rejected("exceeds the file", put(dir, "trunc-header.npy", Arrays.copyOf(g, 60)));
        rejected("unexpected bytes", put(dir, "trailing.npy", bytes(g, new byte[] {0})));

        byte[] wrong = g.clone();
        wrong[1] = 'X';
        rejected("wrong magic", put(dir, "magic.npy", wrong));
        rejected("wrong magic", put(dir, "text.npy", "just some text, not numpy".getBytes()));

        byte[] v9 = g.clone();
        v9[6] = 9;
        rejected("version 9.0", put(dir, "version.npy", v9));

        byte[] huge = g.clone();
        huge[8] = (byte) 0xff;
        huge[9] = (byte) 0xff;
        rejected("exceeds the file", put(dir, "bighdr.npy", huge));

        rejected("unsupported dtype '<c8'", withDict("c8.npy", dict("'<c8'", false, "(1,)"), new byte[8]));
        rejected("big-endian", withDict("be.npy", dict("'>f4'", false, "(1,)"), new byte[4]));
        rejected("unsupported dtype", withDict("rec.npy", dict("[('x', '<f4')]", false, "(1,)"), new byte[4]));
        rejected("fortran_order", withDict("f.npy", dict("'<f4'", true, "(1,)"), new byte[4]));
        rejected("bad shape", withDict("neg.npy", dict("'<f4'", false, "(-1,)"), new byte[0]));
        rejected("bad shape", withDict("ts.npy", dict("'<f4'", false, "('a',)"), new byte[0]));
        rejected("bad shape", withDict("ovf.npy", dict("'<f8'", false, "(4611686018427387904, 4)"), new byte[0]));
        rejected("exactly the keys", withDict("missing.npy", "{'descr': '<f4', 'shape': (1,), }\n", new byte[4]));
        rejected("malformed", withDict("garbage.npy", "{'descr': '<f4', 'fortran_order': Fals", new byte[0]));
        rejected("no such file", dir.resolve("absent.npy"));
    }

    @Test
    void bfloat16CannotBeSavedAndAFailedWriteKeepsTheOldFile() throws IOException {
        Path f = dir.resolve("keep.npy");
        Npy.write(f, NdArray.ofInts(new long[] {1}, 5));
        NdArray bf = new NdArray(DType.BFLOAT16, new long[] {1}, Arena.ofAuto().allocate(2));
        assertFailedWriteKeeps(f, "no .npy type", () -> Npy.write(f, bf));
    }
}
