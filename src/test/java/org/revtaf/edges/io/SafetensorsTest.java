package org.revtaf.edges.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.revtaf.edges.io.IoTestSupport.assertFailedWriteKeeps;
import static org.revtaf.edges.io.IoTestSupport.assertFails;
import static org.revtaf.edges.io.IoTestSupport.bytes;
import static org.revtaf.edges.io.IoTestSupport.f32s;
import static org.revtaf.edges.io.IoTestSupport.i64s;
import static org.revtaf.edges.io.IoTestSupport.put;
import static org.revtaf.edges.io.IoTestSupport.u64;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** Opening {@code file} fails with a message naming it and holding {@code fragment}. */
    private static void rejected(String fragment, Path file) {
        assertFails(file, fragment, () -> Safetensors.open(file));
    }

    /** One tensor of a header: {@code "name":{"dtype":..,"shape":..,"data_offsets":..}}. */
    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets
                + "}";
    }

    private static String header(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    /** A file as the spec lays it out: u64 LE header size, JSON header padded with spaces, data. */
    private Path handMade(String name, String json, byte[] data) throws IOException {
        int padded = (json.length() + 7) / 8 * 8;
        return put(dir, name, bytes(u64(padded), json, " ".repeat(padded - json.length()), data));
    }

    @Test
    void readsAFileBuiltByHandFromTheSpec() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"step\":\"12\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[32,36]},"
                + "\"flag\":{\"dtype\":\"BOOL\",\"shape\":[],\"data_offsets\":[36,37]}}";
        byte[] bf16 = {(byte) 0x80, 0x3f, 0x40, (byte) 0xc0}; // 1.0, -3.0
        Path f = handMade("hand.safetensors", json, bytes(i64s(7, -3), f32s(1, 2, 3, 4), bf16, new byte[] {1}));
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(List.of("ids", "w", "h", "flag"), st.names());
            assertEquals(Map.of("format", "pt", "step", "12"), st.metadata());
            assertEquals(DType.FLOAT32, st.dtype("w"));
            assertArrayEquals(new long[] {2, 2}, st.shape("w"));
            assertArrayEquals(new float[] {1, 2, 3, 4}, st.get("w").toFloats());
            assertArrayEquals(new long[] {7, -3}, st.get("ids").toLongs());
            assertArrayEquals(new float[] {1f, -3f}, st.get("h").toFloats());
            assertArrayEquals(new long[] {}, st.shape("flag"));
            assertArrayEquals(new long[] {1}, st.get("flag").toLongs());
            assertFails(f, "no tensor 'nope'", () -> st.get("nope"));
        }
    }

    @Test
    void viewsDieWithTheFileButCopiesSurvive() throws IOException {
        Path f = handMade(
                "v.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", f32s(1, 2, 3));
        NdArray view;
        NdArray copy;
        try (Safetensors st = Safetensors.open(f)) {
            view = st.get("x");
            copy = st.copy("x");
        }
        assertThrows(IllegalStateException.class, view::toFloats);
        assertArrayEquals(new float[] {1, 2, 3}, copy.toFloats());
    }

    @Test
    void writesTheLayoutOfTheReferenceLibrary() throws IOException {
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("b", NdArray.ofFloats(new long[] {1}, 5f));
        t.put("a", NdArray.ofFloats(new long[] {1}, 6f));
        t.put("c", NdArray.ofLongs(new long[] {1}, 9));
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, t, Map.of("z", "1", "format", "pt"));
        // largest dtype first, then by name; metadata first with sorted keys; compact JSON, space padded;
        // the checksum: CRC32C of the canonical header text (entries in data order, then the sorted
        // metadata) followed by the data area
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes(
                "c\0I64\0" + "1\0" + "0,8\n" + "a\0F32\0" + "1\0" + "8,12\n" + "b\0F32\0" + "1\0" + "12,16\n"
                        + "format\0pt\n" + "z\0" + "1\n",
                i64s(9),
                f32s(6, 5)));
        String sum = String.format("%08x", crc.getValue());
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"revtaf.crc32c\":\"" + sum + "\",\"z\":\"1\"},"
                + "\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}";
        int padded = (json.length() + 7) / 8 * 8;
        byte[] expected = bytes(u64(padded), json, " ".repeat(padded - json.length()), i64s(9), f32s(6, 5));
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void aFileWithAChecksumIsVerifiedOnOpenAndOneWithoutIsReadAsBefore() throws IOException {
        Path f = dir.resolve("sum.safetensors");
        Safetensors.write(f, Map.of("x", NdArray.ofFloats(new long[] {4}, 1, 2, 3, 4)), Map.of("k", "v"));
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(true, st.checksummed());
            assertEquals(Map.of("k", "v"), st.metadata(), "the checksum is not part of the user's metadata");
        }
        byte[] b = Files.readAllBytes(f);
        b[b.length - 3] ^= 0x10; // one bit of the last float
        rejected("damaged: the CRC32C of its contents", Files.write(dir.resolve("bad.safetensors"), b));
        assertThrows(
                org.revtaf.RevtafException.class,
                () -> Safetensors.write(f, Map.of(), Map.of(Safetensors.CHECKSUM_KEY, "0")),
                "the key is reserved");
        Path plain = handMade(
                "plain.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32s(7));
        try (Safetensors st = Safetensors.open(plain)) {
            assertEquals(false, st.checksummed());
            assertArrayEquals(new float[] {7}, st.get("x").toFloats());
        }
    }

    @Test
    void roundTripsEveryDtypeAlignedToItsElementSize() {
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("f32", NdArray.ofFloats(new long[] {2, 3}, 1, -2, 3.5f, 0, Float.NaN, Float.NEGATIVE_INFINITY));
        t.put("f64", NdArray.ofDoubles(new long[] {2}, Math.E, -0.0));
        t.put("i32", NdArray.ofInts(new long[] {3}, 1, Integer.MIN_VALUE, 3));
        t.put("i64", NdArray.ofLongs(new long[] {}, Long.MAX_VALUE));
        t.put("bf16", raw(DType.BFLOAT16, new long[] {3}, 0x80, 0x3f, 0, 0, 1, 0x40));
        t.put("f16", raw(DType.FLOAT16, new long[] {1}, 0x00, 0x3c));
        t.put("u8", raw(DType.UINT8, new long[] {3}, 0, 128, 255));
        t.put("bool", raw(DType.BOOL, new long[] {1, 1}, 1));
        t.put("empty", NdArray.ofFloats(new long[] {0, 4}));
        Path f = dir.resolve("all.safetensors");
        Safetensors.write(f, t, Map.of("epoch", "3"));
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(t.keySet(), new java.util.HashSet<>(st.names()));
            assertEquals(Map.of("epoch", "3"), st.metadata());
            for (String n : st.names()) {
                assertEquals(t.get(n), st.get(n), n);
                Safetensors.Entry e = st.entry(n);
                assertEquals(0, e.begin() % e.dtype().byteSize(), n + " aligned");
            }
        }
        assertEquals(t.get("f64"), Safetensors.readAll(f).get("f64"));
    }

    private static NdArray raw(DType t, long[] shape, int... v) {
        MemorySegment s = Arena.ofAuto().allocate(v.length);
        for (int i = 0; i < v.length; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) v[i]);
        return new NdArray(t, shape, s);
    }

    @Test
    void badFilesAreClearErrorsNamingTheFile() throws IOException {
        String one = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        Path good = handMade("good.safetensors", one, f32s(1, 2));
        byte[] g = Files.readAllBytes(good);

        rejected("truncated", put(dir, "tiny.safetensors", new byte[] {1, 2, 3}));
        rejected("truncated", put(dir, "trunc.safetensors", java.util.Arrays.copyOf(g, g.length - 1)));
        rejected("trailing bytes", put(dir, "trailing.safetensors", bytes(g, new byte[4])));
        rejected("exceeds the file", put(dir, "over.safetensors", bytes(u64(1000), one)));
        rejected("over the limit", put(dir, "limit.safetensors", bytes(u64(200_000_000L), one)));
        rejected("over the limit", put(dir, "neg.safetensors", bytes(u64(-5), one)));
        rejected("not a safetensors file", put(dir, "magic.safetensors", bytes(u64(8), "\u0093NUMPY\u0001\u0000")));
        rejected("malformed", handMade("json.safetensors", "{\"x\":{\"dtype\":", new byte[0]));
        String x1a = entry("x", "F32", "[1]", "[0,4]"), x1b = entry("x", "F32", "[1]", "[4,8]");
        rejected("malformed", handMade("dup.safetensors", header(x1a, x1b), f32s(1, 2)));
        rejected(
                "unsupported dtype 'I8'",
                handMade("i8.safetensors", header(entry("x", "I8", "[2]", "[0,2]")), new byte[2]));
        rejected("needs 12", handMade("span.safetensors", header(entry("x", "F32", "[3]", "[0,8]")), f32s(1, 2)));
        rejected("(gap)", handMade("gap.safetensors", header(x1b), f32s(1, 2)));
        String overlap = header(entry("x", "F32", "[2]", "[0,8]"), entry("y", "F32", "[1]", "[4,8]"));
        rejected("(overlap)", handMade("overlap.safetensors", overlap, f32s(1, 2)));
        rejected(
                "non-negative integer",
                handMade("shape.safetensors", header(entry("x", "F32", "[-1]", "[0,0]")), new byte[0]));
        rejected("not a string", handMade("meta.safetensors", "{\"__metadata__\":{\"n\":3}}", new byte[0]));
        String extra = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offsets\":[0,4]}}";
        rejected("unknown field 'offsets'", handMade("extra.safetensors", extra, f32s(1)));
        rejected("no such file", dir.resolve("absent.safetensors"));
    }

    @Test
    void aFailedWriteKeepsTheOldFile() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        Safetensors.write(f, Map.of("a", NdArray.ofFloats(new long[] {1}, 1f)));
        assertFailedWriteKeeps(
                f,
                "invalid tensor name",
                () -> Safetensors.write(f, Map.of("__metadata__", NdArray.ofInts(new long[] {}, 1))));
    }
}
