package org.revtaf.domain.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Writes 8-bit grayscale or RGB PNGs whose bytes depend only on the pixels: per-row filter chosen by
 * the usual minimum-sum-of-absolute-differences rule, IDAT compressed by {@link
 * FixedHuffmanDeflater} (our own deflate, not the platform zlib), no time or text chunks.
 */
public final class PngWriter {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngWriter() {}

    /** PNG bytes of a grayscale image; {@code gray} is (height, width) row-major, one byte per pixel. */
    public static byte[] gray(byte[] gray, int width, int height) {
        return encode(gray, width, height, 1);
    }

    /** PNG bytes of an RGB image; {@code rgb} is (height, width, 3) row-major. */
    public static byte[] rgb(byte[] rgb, int width, int height) {
        return encode(rgb, width, height, 3);
    }

    private static byte[] encode(byte[] px, int width, int height, int channels) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (px.length != width * height * channels)
            throw new IllegalArgumentException(
                    "pixel array has " + px.length + " bytes, expected " + (width * height * channels));
        int stride = width * channels;
        byte[] raw = new byte[height * (stride + 1)];
        byte[][] cand = new byte[5][stride];
        for (int y = 0; y < height; y++) {
            int best = 0;
            long bestSum = Long.MAX_VALUE;
            for (int f = 0; f < 5; f++) {
                long sum = filterRow(px, y, stride, channels, f, cand[f]);
                if (sum < bestSum) {
                    bestSum = sum;
                    best = f;
                }
            }
            int o = y * (stride + 1);
            raw[o] = (byte) best;
            System.arraycopy(cand[best], 0, raw, o + 1, stride);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 128);
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = (byte) (channels == 1 ? 0 : 2); // colour type: gray or RGB
        // compression 0, filter 0, interlace 0
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", FixedHuffmanDeflater.zlib(raw, raw.length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Filters row y with PNG filter f (0 none, 1 sub, 2 up, 3 average, 4 Paeth) into dst; returns the MSAD cost. */
    private static long filterRow(byte[] px, int y, int stride, int bpp, int f, byte[] dst) {
        int row = y * stride;
        int up = (y - 1) * stride;
        long sum = 0;
        for (int i = 0; i < stride; i++) {
            int x = px[row + i] & 0xFF;
            int a = i >= bpp ? px[row + i - bpp] & 0xFF : 0;
            int b = y > 0 ? px[up + i] & 0xFF : 0;
            int c = (i >= bpp && y > 0) ? px[up + i - bpp] & 0xFF : 0;
            int pred = switch (f) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) >>> 1;
                default -> paeth(a, b, c);
            };
            byte v = (byte) (x - pred);
            dst[i] = v;
            sum += Math.abs((int) v);
        }
        return sum;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
