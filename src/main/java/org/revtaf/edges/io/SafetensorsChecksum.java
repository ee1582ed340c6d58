package org.revtaf.edges.io;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The checksum of a safetensors file ({@link Safetensors#CHECKSUM_KEY}): CRC32C (hardware-assisted
 * in the JDK) over a canonical text of the header, then the data area. The canonical text is built
 * from parsed values, not from the JSON bytes, so it does not depend on key order or spacing: per
 * tensor in data order {@code name \0 dtype \0 d0,d1,.. \0 begin,end \n}, then per metadata entry
 * except the checksum itself, sorted by key, {@code key \0 value \n}. A changed value in the header
 * or a flipped bit in the data changes the sum.
 */
final class SafetensorsChecksum {
    private SafetensorsChecksum() {}

    /** The sum of a file being written: its entries in data order, its metadata, each tensor's bytes. */
    static long of(Collection<Safetensors.Entry> entries, Map<String, String> metadata, List<MemorySegment> data) {
        CRC32C crc = header(entries, metadata);
        for (MemorySegment d : data) update(crc, d);
        return crc.getValue();
    }

    /** The sum of a file read: the same with the data area as one segment. */
    static long of(Collection<Safetensors.Entry> entries, Map<String, String> metadata, MemorySegment data) {
        return of(entries, metadata, List.of(data));
    }

    /** The form stored in the metadata: 8 lowercase hex digits. */
    static String format(long crc) {
        return String.format("%08x", crc);
    }

    private static CRC32C header(Collection<Safetensors.Entry> entries, Map<String, String> metadata) {
        StringBuilder b = new StringBuilder();
        for (Safetensors.Entry e : entries) {
            b.append(e.name()).append('\0').append(e.dtype().safetensorsName()).append('\0');
            long[] shape = e.shape();
            for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ",").append(shape[i]);
            b.append('\0').append(e.begin()).append(',').append(e.end()).append('\n');
        }
        new TreeMap<>(metadata).forEach((k, v) -> {
            if (!k.equals(Safetensors.CHECKSUM_KEY))
                b.append(k).append('\0').append(v).append('\n');
        });
        CRC32C crc = new CRC32C();
        crc.update(b.toString().getBytes(StandardCharsets.UTF_8));
        return crc;
    }

    private static void update(CRC32C crc, MemorySegment d) {
        for (long o = 0; o < d.byteSize(); o += 1L << 30)
            crc.update(d.asSlice(o, Math.min(1L << 30, d.byteSize() - o)).asByteBuffer());
    }
}
