package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngWriterTest {

    private static byte[] inflate(byte[] z, int expected) throws Exception {
        Inflater inf = new Inflater();
        inf.setInput(z);
        byte[] out = new byte[expected + 16];
        int n = inf.inflate(out);
        assertEquals(true, inf.finished(), "stream must end with the final block");
        inf.end();
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void deflateRoundTripsThroughTheStandardInflater() throws Exception {
        SplitMix64 rng = new SplitMix64(7);
        // random bytes, long runs (matches of 258 and length codes), repeats beyond 32 KiB, text
        byte[] random = new byte[5000];
        for (int i = 0; i < random.length; i++) random[i] = (byte) rng.nextLong();
        byte[] runs = new byte[70000];
        for (int i = 0; i < runs.length; i++) runs[i] = (byte) ((i / 700) % 3);
        byte[] far = new byte[90000];
        for (int i = 0; i < 40000; i++) far[i] = (byte) rng.nextLong();
        System.arraycopy(far, 0, far, 40000, 40000);
        byte[] text = "no pleural effusion or pneumothorax. ".repeat(300).getBytes();
        for (byte[] data : new byte[][] {random, runs, far, text, new byte[0], new byte[] {42}}) {
            byte[] z = FixedHuffmanDeflater.zlib(data, data.length);
            assertArrayEquals(data, inflate(z, data.length));
        }
        byte[] z = FixedHuffmanDeflater.zlib(runs, runs.length);
        assertEquals(true, z.length < runs.length / 20, "runs must compress, got " + z.length);
    }

    @Test
    void adler32MatchesTheJdk() {
        byte[] data = "Wikipedia".getBytes();
        java.util.zip.Adler32 a = new java.util.zip.Adler32();
        a.update(data);
        assertEquals(a.getValue(), FixedHuffmanDeflater.adler32(data, data.length));
        assertEquals(0x11E60398L, FixedHuffmanDeflater.adler32(data, data.length)); // the RFC 1950 example value
    }

    @Test
    void grayAndRgbPngsDecodeToTheSamePixels() throws Exception {
        SplitMix64 rng = new SplitMix64(3);
        int w = 37, h = 23;
        byte[] gray = new byte[w * h];
        for (int i = 0; i < gray.length; i++) gray[i] = (byte) ((i % w) * 5 + (rng.nextInt(9)));
        BufferedImage g = ImageIO.read(new ByteArrayInputStream(PngWriter.gray(gray, w, h)));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, g.getType());
        byte[] back = new byte[w * h];
        g.getRaster().getDataElements(0, 0, w, h, back);
        assertArrayEquals(gray, back);

        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) rng.nextLong();
        BufferedImage c = ImageIO.read(new ByteArrayInputStream(PngWriter.rgb(rgb, w, h)));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = c.getRGB(x, y), o = 3 * (y * w + x);
                assertEquals(rgb[o] & 0xFF, (p >> 16) & 0xFF);
                assertEquals(rgb[o + 1] & 0xFF, (p >> 8) & 0xFF);
                assertEquals(rgb[o + 2] & 0xFF, p & 0xFF);
            }
        }
    }

    @Test
    void samePixelsGiveSameBytes() {
        byte[] px = new byte[64 * 64];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 31 % 251);
        assertArrayEquals(PngWriter.gray(px, 64, 64), PngWriter.gray(px.clone(), 64, 64));
    }
}
