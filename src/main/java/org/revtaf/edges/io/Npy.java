package org.revtaf.edges.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;

/**
 * NumPy's {@code .npy} format (numpy.lib.format). Reads format versions 1.0, 2.0 and 3.0 with a
 * little-endian, C-ordered dtype among {@code <f4 <f8 <i4 <i8 <f2 |u1 |b1}; writes version 1.0 (2.0
 * when the header outgrows 64 KiB) byte-for-byte as {@code np.save} does: the header dict with
 * sorted keys, 21-digit growth room on the first axis, and space padding so the data starts at a
 * multiple of 64. Every error is a {@link RevtafException} that names the file.
 *
 * <p>Layout: magic {@code \x93NUMPY}, major, minor, header length (uint16 LE in 1.0, uint32 LE in
 * 2.0/3.0), the header (latin-1, or UTF-8 in 3.0) ending in '\n', then the raw data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    private static final long MAX_CHUNK = 1L << 30;
    private static final long MAX_HEADER = 1L << 20;

    private Npy() {}

    /** A parsed header: element type, shape and the byte offset where the data starts. */
    public record Header(DType dtype, long[] shape, long dataOffset) {}

    /** Reads the whole array into 64-byte-aligned native memory. */
    public static NdArray read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = readHeader(ch, size, file);
            long nbytes = NdArray.numel(h.shape) * h.dtype.byteSize();
            long available = size - h.dataOffset;
            if (available < nbytes)
                throw new RevtafException(file + ": truncated .npy data: shape " + shapeRepr(h.shape) + " of "
                        + h.dtype.npyDescr() + " needs " + nbytes + " bytes after the header, the file has "
                        + available);
            if (available > nbytes)
                throw new RevtafException(file + ": " + (available - nbytes)
                        + " unexpected bytes after the data of shape " + shapeRepr(h.shape) + " ("
                        + h.dtype.npyDescr() + "); the file is corrupt");
            MemorySegment data = Arena.ofAuto().allocate(nbytes, ALIGN);
            for (long off = 0; off < nbytes; ) {
                long n = Math.min(MAX_CHUNK, nbytes - off);
                ByteBuffer buf = data.asSlice(off, n).asByteBuffer();
                while (buf.hasRemaining()) {
                    if (ch.read(buf, h.dataOffset + off + buf.position()) < 0)
                        throw new RevtafException(file + ": file shrank while reading");
                }
                off += n;
            }
            return new NdArray(h.dtype, h.shape, data);
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file", e);
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads and validates only the header. */
    public static Header readHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(ch, ch.size(), file);
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file", e);
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Header readHeader(FileChannel ch, long size, Path file) throws IOException {
        if (size < MAGIC.length + 2)
            throw new RevtafException(file + ": truncated: " + size + " bytes is too short for a .npy file");
        ByteBuffer pre = readAt(ch, 0, MAGIC.length + 2);
        for (int i = 0; i < MAGIC.length; i++)
            if (pre.get(i) != MAGIC[i]) throw new RevtafException(file + ": not a .npy file (wrong magic bytes)");
        int major = pre.get(6) & 0xff, minor = pre.get(7) & 0xff;
        int lenBytes;
        Charset cs;
        switch (major) {
            case 1 -> {
                lenBytes = 2;
                cs = StandardCharsets.ISO_8859_1;
            }
            case 2 -> {
                lenBytes = 4;
                cs = StandardCharsets.ISO_8859_1;
            }
            case 3 -> {
                lenBytes = 4;
                cs = StandardCharsets.UTF_8;
            }
            default ->
                throw new RevtafException(file + ": unsupported .npy format version " + major + "." + minor
                        + " (1.0, 2.0, 3.0 are read)");
        }
        if (minor != 0)
            throw new RevtafException(
                    file + ": unsupported .npy format version " + major + "." + minor + " (1.0, 2.0, 3.0 are read)");
        long start = MAGIC.length + 2 + lenBytes;
        if (size < start) throw new RevtafException(file + ": truncated inside the header length field");
        ByteBuffer lenBuf = readAt(ch, MAGIC.length + 2, lenBytes);
        long hlen = lenBytes == 2 ? lenBuf.getShort(0) & 0xffff : lenBuf.getInt(0) & 0xffffffffL;
        if (hlen > MAX_HEADER)
            throw new RevtafException(file + ": header length " + hlen + " is implausibly large (over " + MAX_HEADER
                    + " bytes); the file is corrupt or not a .npy file");
        if (start + hlen > size)
            throw new RevtafException(file + ": header length " + hlen + " exceeds the file (" + size
                    + " bytes); the file is truncated or not a .npy file");
        byte[] raw = new byte[(int) hlen];
        readAt(ch, start, (int) hlen).get(raw);
        String text = new String(raw, cs);
        Header h = parseHeader(text, file);
        return new Header(h.dtype, h.shape, start + hlen);
    }

    /** Parses the header dict text; the data offset of the result is 0. */
    static Header parseHeader(String text, Path file) {
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RevtafException(file + ": malformed .npy header (" + e.getMessage() + "): " + clip(text));
        }
        if (!(parsed instanceof Map<?, ?> d))
            throw new RevtafException(file + ": .npy header is not a dict: " + clip(text));
        if (!d.keySet().equals(KEYS))
            throw new RevtafException(file + ": .npy header must have exactly the keys descr, fortran_order, shape;"
                    + " found " + d.keySet());
        DType dtype = dtypeOf(d.get("descr"), file);
        if (!(d.get("fortran_order") instanceof Boolean fortran))
            throw new RevtafException(file + ": fortran_order is not True/False: " + d.get("fortran_order"));
        if (fortran)
            throw new RevtafException(file + ": fortran_order=True (column-major) is not supported; save a C-ordered"
                    + " array (np.ascontiguousarray)");
        if (!(d.get("shape") instanceof List<?> dims))
            throw new RevtafException(file + ": shape is not a tuple of integers: " + d.get("shape"));
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long v) || v < 0)
                throw new RevtafException(
                        file + ": bad shape " + d.get("shape") + ": dimension " + i + " is not a non-negative integer");
            shape[i] = v;
        }
        try {
            Math.multiplyExact(NdArray.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new RevtafException(file + ": bad shape " + d.get("shape") + ": too many elements");
        }
        return new Header(dtype, shape, 0);
    }

    private static DType dtypeOf(Object descr, Path file) {
        if (!(descr instanceof String s))
            throw new RevtafException(
                    file + ": unsupported dtype " + descr + " (structured or record dtypes are not supported)");
        char order = s.isEmpty() ? '?' : s.charAt(0);
        String code = s.length() > 1 ? s.substring(1) : s;
        boolean oneByte = code.equals("u1") || code.equals("b1");
        if (order == '>' && !oneByte)
            throw new RevtafException(file + ": big-endian dtype '" + s + "' is not supported; save it as '<" + code
                    + "' (a.astype('<" + code + "'))");
        DType t = oneByte && "<>=|".indexOf(order) >= 0 ? DType.fromNpyDescr("|" + code) : DType.fromNpyDescr(s);
        if (t == null)
            throw new RevtafException(
                    file + ": unsupported dtype '" + s + "' (supported: <f4 <f8 <i4 <i8 <f2 |u1 |b1)");
        return t;
    }

    /** Writes {@code a} atomically (temp file, fsync, rename). */
    public static void write(Path file, NdArray a) {
        byte[] header = header(a.dtype(), a.shape(), file);
        MemorySegment data = a.data();
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, ByteBuffer.wrap(header));
            for (long off = 0; off < data.byteSize(); off += MAX_CHUNK) {
                long n = Math.min(MAX_CHUNK, data.byteSize() - off);
                AtomicFile.writeFully(ch, data.asSlice(off, n).asByteBuffer());
            }
        });
    }

    /** The complete header bytes (magic through the final '\n') that np.save writes for this array. */
    public static byte[] header(DType dtype, long[] shape, Path file) {
        String descr = dtype.npyDescr();
        if (descr == null)
            throw new RevtafException(file + ": " + dtype + " has no .npy type; convert to float32 before saving");
        StringBuilder h = new StringBuilder()
                .append("{'descr': '")
                .append(descr)
                .append("', 'fortran_order': False, 'shape': ")
                .append(shapeRepr(shape))
                .append(", }");
        if (shape.length > 0)
            h.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        byte[] dict = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        int hlen = dict.length + 1; // + '\n'
        int lenBytes = 2;
        int pad = ALIGN - ((MAGIC.length + 2 + lenBytes + hlen) % ALIGN); // 1..64, as NumPy computes it
        if (hlen + pad > 0xffff) {
            lenBytes = 4;
            pad = ALIGN - ((MAGIC.length + 2 + lenBytes + hlen) % ALIGN);
        }
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + lenBytes + hlen + pad)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC)
                .put((byte) (lenBytes == 2 ? 1 : 2))
                .put((byte) 0);
        if (lenBytes == 2) out.putShort((short) (hlen + pad));
        else out.putInt(hlen + pad);
        out.put(dict);
        for (int i = 0; i < pad; i++) out.put((byte) ' ');
        out.put((byte) '\n');
        return out.array();
    }

    /** Python's repr of a shape tuple: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
    static String shapeRepr(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        return b.append(')').toString();
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining())
            if (ch.read(b, pos + b.position()) < 0) throw new IOException("unexpected end of file");
        return b.flip();
    }

    private static String clip(String s) {
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
