package org.revtaf.domain.data;

import java.io.ByteArrayOutputStream;

/**
 * A zlib stream (RFC 1950) holding one DEFLATE block with the fixed Huffman codes (RFC 1951
 * section 3.2.6), with a greedy LZ77 matcher of our own. Unlike {@link java.util.zip.Deflater},
 * whose output depends on the zlib build the JDK links against, the bytes written here depend only
 * on the input: that is what makes the synthetic PNGs byte-identical on every machine. Compression is
 * a little weaker than zlib's dynamic Huffman codes, and any inflater reads it.
 */
public final class FixedHuffmanDeflater {
    private static final int WINDOW = 32768;
    private static final int MIN_MATCH = 3;
    private static final int MAX_MATCH = 258;
    private static final int HASH_BITS = 15;
    private static final int MAX_CHAIN = 16;

    private static final int[] LENGTH_BASE = {
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258
    };
    private static final int[] LENGTH_EXTRA = {
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
    };
    private static final int[] DIST_BASE = {
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577
    };
    private static final int[] DIST_EXTRA = {
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
    };

    private final ByteArrayOutputStream out;
    private long bitBuf;
    private int bitCount;

    private FixedHuffmanDeflater(int capacity) {
        out = new ByteArrayOutputStream(capacity);
    }

    /** The zlib stream of {@code data[0, len)}. */
    public static byte[] zlib(byte[] data, int len) {
        FixedHuffmanDeflater d = new FixedHuffmanDeflater(len / 2 + 64);
        d.out.write(0x78); // CMF: deflate, 32K window
        d.out.write(0x01); // FLG: no dictionary, fastest; (0x78 * 256 + 0x01) % 31 == 0
        d.writeBits(1, 1); // BFINAL
        d.writeBits(1, 2); // BTYPE = 01, fixed Huffman
        d.compress(data, len);
        d.writeLiteralLength(256); // end of block
        d.flushBits();
        long adler = adler32(data, len);
        d.out.write((int) (adler >>> 24));
        d.out.write((int) (adler >>> 16));
        d.out.write((int) (adler >>> 8));
        d.out.write((int) adler);
        return d.out.toByteArray();
    }

    static long adler32(byte[] data, int len) {
        long a = 1, b = 0;
        for (int i = 0; i < len; i++) {
            a = (a + (data[i] & 0xFF)) % 65521;
            b = (b + a) % 65521;
        }
        return (b << 16) | a;
    }

    private void compress(byte[] data, int len) {
        int[] head = new int[1 << HASH_BITS];
        java.util.Arrays.fill(head, -1);
        int[] prev = new int[WINDOW];
        int i = 0;
        while (i < len) {
            int bestLen = 0, bestDist = 0;
            if (i + MIN_MATCH <= len) {
                int h = hash(data, i);
                int cand = head[h];
                int chain = 0;
                int maxLen = Math.min(MAX_MATCH, len - i);
                while (cand >= 0 && i - cand <= WINDOW && chain++ < MAX_CHAIN) {
                    int l = 0;
                    while (l < maxLen && data[cand + l] == data[i + l]) l++;
                    if (l > bestLen) {
                        bestLen = l;
                        bestDist = i - cand;
                        if (l == maxLen) break;
                    }
                    int p = prev[cand & (WINDOW - 1)];
                    if (p >= cand) break; // stale link
                    cand = p;
                }
            }
            int step;
            if (bestLen >= MIN_MATCH) {
                writeMatch(bestLen, bestDist);
                step = bestLen;
            } else {
                writeLiteralLength(data[i] & 0xFF);
                step = 1;
            }
            for (int k = 0; k < step; k++, i++) {
                if (i + MIN_MATCH <= len) {
                    int h = hash(data, i);
                    prev[i & (WINDOW - 1)] = head[h];
                    head[h] = i;
                }
            }
        }
    }

    private static int hash(byte[] d, int i) {
        int v = ((d[i] & 0xFF) << 16) | ((d[i + 1] & 0xFF) << 8) | (d[i + 2] & 0xFF);
        return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    private void writeMatch(int length, int dist) {
        int lc = 0;
        while (lc + 1 < LENGTH_BASE.length && LENGTH_BASE[lc + 1] <= length) lc++;
        writeLiteralLength(257 + lc);
        writeBits(length - LENGTH_BASE[lc], LENGTH_EXTRA[lc]);
        int dc = 0;
        while (dc + 1 < DIST_BASE.length && DIST_BASE[dc + 1] <= dist) dc++;
        writeCode(dc, 5);
        writeBits(dist - DIST_BASE[dc], DIST_EXTRA[dc]);
    }

    /** A literal/length symbol 0..287 with the fixed code of RFC 1951 section 3.2.6. */
    private void writeLiteralLength(int sym) {
        if (sym < 144) writeCode(0x30 + sym, 8);
        else if (sym < 256) writeCode(0x190 + sym - 144, 9);
        else if (sym < 280) writeCode(sym - 256, 7);
        else writeCode(0xC0 + sym - 280, 8);
    }

    /** Huffman codes are sent most significant bit first. */
    private void writeCode(int code, int bits) {
        int rev = Integer.reverse(code) >>> (32 - bits);
        writeBits(rev, bits);
    }

    /** Other fields are sent least significant bit first. */
    private void writeBits(int value, int bits) {
        bitBuf |= ((long) value & ((1L << bits) - 1)) << bitCount;
        bitCount += bits;
        while (bitCount >= 8) {
            out.write((int) (bitBuf & 0xFF));
            bitBuf >>>= 8;
            bitCount -= 8;
        }
    }

    private void flushBits() {
        if (bitCount > 0) out.write((int) (bitBuf & 0xFF));
        bitBuf = 0;
        bitCount = 0;
    }
}
