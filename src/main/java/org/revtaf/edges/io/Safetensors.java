package org.revtaf.edges.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;

/**
 * The safetensors format (checkpoints): an 8-byte little-endian header size N, N bytes of JSON
 * {@code {"__metadata__": {str: str}, NAME: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}}}
 * padded with spaces to a multiple of 8, then the data area; offsets are relative to it.
 *
 * <p>An open file is memory-mapped; {@link #get} returns zero-copy views that stay valid until
 * {@link #close}. Reading validates everything the reference library validates: header size bounded
 * (100 MB and the file), JSON starting with '{', no duplicate keys, known dtype, non-negative shape,
 * offsets contiguous from 0 in order without gaps or overlaps, each span exactly numel * dtype size,
 * and the last one ending at the end of the file. Writing sorts tensors by dtype size (largest first)
 * then name, as the reference library does, so every tensor is aligned to its element size, and
 * replaces the file atomically.
 *
 * <p>Integrity: every file this class writes carries {@value #CHECKSUM_KEY} in its metadata, a CRC32C
 * ({@link SafetensorsChecksum}) of the tensor entries, the other metadata and the data area. A file
 * that carries one is verified on {@link #open}: a flipped bit anywhere in the data or in a header
 * value is an error naming the file. Files of other writers (no such key) are read as before; {@link
 * #metadata()} never shows the key, {@link #checksummed()} says whether the file was verified.
 */
public final class Safetensors implements AutoCloseable {
    /** Upper bound on the JSON header, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Metadata key of the CRC32C that every file written here carries (8 lowercase hex digits). */
    public static final String CHECKSUM_KEY = "revtaf.crc32c";

    private static final String METADATA_KEY = "__metadata__";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** One tensor's header entry; {@code begin}/{@code end} are offsets into the data area. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private final Path file;
    private final Arena arena;
    private final MemorySegment mapped;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private final boolean checksummed;

    private Safetensors(
            Path file,
            Arena arena,
            MemorySegment mapped,
            long dataStart,
            Map<String, Entry> entries,
            Map<String, String> metadata,
            boolean checksummed) {
        this.file = file;
        this.arena = arena;
        this.mapped = mapped;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
        this.checksummed = checksummed;
    }

    /** Maps and validates {@code file}; close the result to unmap it. */
    public static Safetensors open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new RevtafException(file + ": truncated: " + size + " bytes, not a safetensors file");
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 0 || n > MAX_HEADER_BYTES)
                throw new RevtafException(file + ": safetensors header size " + Long.toUnsignedString(n)
                        + " is over the limit of " + MAX_HEADER_BYTES + " bytes; not a safetensors file or corrupt");
            if (n > size - 8)
                throw new RevtafException(file + ": safetensors header size " + n + " exceeds the file (" + size
                        + " bytes); the file is truncated or not a safetensors file");
            byte[] header = mapped.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            if (n < 2 || header[0] != '{')
                throw new RevtafException(file + ": not a safetensors file (the header is not a JSON object)");
            Safetensors st = parse(file, arena, mapped, header, 8 + n, size - 8 - n);
            arena = null; // owned by st now
            return st;
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file", e);
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot read (" + e.getMessage() + ")", e);
        } finally {
            if (arena != null) arena.close();
        }
    }

    private static Safetensors parse(
            Path file, Arena arena, MemorySegment mapped, byte[] header, long dataStart, long dataSize) {
        JsonNode root;
        try {
            String text = TextFiles.decodeUtf8(header, file + ": safetensors header");
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RevtafException(file + ": malformed safetensors header JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject())
            throw new RevtafException(file + ": not a safetensors file (the header is not a JSON object)");
        Map<String, String> meta = new LinkedHashMap<>();
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().equals(METADATA_KEY)) {
                if (!f.getValue().isObject())
                    throw new RevtafException(file + ": __metadata__ must be an object of strings");
                for (Map.Entry<String, JsonNode> kv : f.getValue().properties()) {
                    if (!kv.getValue().isTextual())
                        throw new RevtafException(file + ": __metadata__ value of '" + kv.getKey()
                                + "' is not a string: " + kv.getValue());
                    meta.put(kv.getKey(), kv.getValue().textValue());
                }
            } else {
                list.add(entry(file, f.getKey(), f.getValue()));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Map<String, Entry> entries = new LinkedHashMap<>();
        long expected = 0;
        Entry prev = null;
        for (Entry e : list) {
            if (e.begin != expected)
                throw new RevtafException(file + ": tensor '" + e.name + "' starts at data offset " + e.begin
                        + " but "
                        + (prev == null ? "the data area starts at 0" : "'" + prev.name + "' ends at " + expected)
                        + (e.begin < expected ? " (overlap)" : " (gap)"));
            if (e.end > dataSize)
                throw new RevtafException(file + ": tensor '" + e.name + "' ends at data offset " + e.end
                        + " past the end of the data area (" + dataSize + " bytes); the file is truncated");
            entries.put(e.name, e);
            expected = e.end;
            prev = e;
        }
        if (expected != dataSize)
            throw new RevtafException(file + ": the tensors cover " + expected + " bytes but the data area has "
                    + dataSize + " (trailing bytes)");
        String stored = meta.remove(CHECKSUM_KEY);
        if (stored != null) {
            long have = SafetensorsChecksum.of(entries.values(), meta, mapped.asSlice(dataStart, dataSize));
            if (!SafetensorsChecksum.format(have).equals(stored))
                throw new RevtafException(file + ": damaged: the CRC32C of its contents is "
                        + SafetensorsChecksum.format(have) + " but the file records " + stored
                        + " (a flipped bit, a partial copy or another program changed it)");
        }
        return new Safetensors(
                file,
                arena,
                mapped,
                dataStart,
                Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(meta),
                stored != null);
    }

    private static Entry entry(Path file, String name, JsonNode v) {
        String at = file + ": tensor '" + name + "': ";
        if (!v.isObject()) throw new RevtafException(at + "entry is not an object");
        for (Map.Entry<String, JsonNode> field : v.properties()) {
            String k = field.getKey();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets"))
                throw new RevtafException(at + "unknown field '" + k + "' (known: dtype, shape, data_offsets)");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) throw new RevtafException(at + "missing or non-string dtype");
        DType dtype = DType.fromSafetensorsName(dt.textValue());
        if (dtype == null || !dtype.safetensorsName().equals(dt.textValue()))
            throw new RevtafException(at + "unsupported dtype '" + dt.textValue() + "' (supported: "
                    + Arrays.stream(DType.values()).map(DType::safetensorsName).toList() + ")");
        long[] shape = longs(v.get("shape"), at + "shape");
        long[] off = longs(v.get("data_offsets"), at + "data_offsets");
        if (off.length != 2) throw new RevtafException(at + "data_offsets must be [begin, end]");
        if (off[1] < off[0]) throw new RevtafException(at + "data_offsets end " + off[1] + " < begin " + off[0]);
        long nbytes;
        try {
            nbytes = Math.multiplyExact(NdArray.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new RevtafException(at + "bad shape " + Arrays.toString(shape) + ": too many elements");
        }
        if (off[1] - off[0] != nbytes)
            throw new RevtafException(at + "data_offsets span " + (off[1] - off[0]) + " bytes but shape "
                    + Arrays.toString(shape) + " of " + dtype.safetensorsName() + " needs " + nbytes);
        return new Entry(name, dtype, shape, off[0], off[1]);
    }

    private static long[] longs(JsonNode a, String what) {
        if (a == null || !a.isArray()) throw new RevtafException(what + " is missing or not an array");
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < 0)
                throw new RevtafException(what + " [" + i + "] is not a non-negative integer: " + x);
            out[i] = x.longValue();
        }
        return out;
    }

    /** The file this was opened from. */
    public Path file() {
        return file;
    }

    /** Tensor names in data order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The {@code __metadata__} map (empty when absent), without {@value #CHECKSUM_KEY}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** True when the file carried a checksum (and so was verified on open). */
    public boolean checksummed() {
        return checksummed;
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The header entry of {@code name}; an error naming the file and the tensor if absent. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null)
            throw new RevtafException(file + ": no tensor '" + name + "' (the file has " + entries.size()
                    + " tensors"
                    + (entries.isEmpty()
                            ? ""
                            : ", e.g. '" + entries.keySet().iterator().next() + "'")
                    + ")");
        return e;
    }

    public DType dtype(String name) {
        return entry(name).dtype;
    }

    public long[] shape(String name) {
        return entry(name).shape();
    }

    /** Zero-copy read-only view of a tensor, valid until {@link #close}. */
    public NdArray get(String name) {
        Entry e = entry(name);
        return new NdArray(e.dtype, e.shape, mapped.asSlice(dataStart + e.begin, e.end - e.begin));
    }

    /** A copy of a tensor in 64-byte-aligned memory that outlives this file. */
    public NdArray copy(String name) {
        NdArray v = get(name);
        MemorySegment s = Arena.ofAuto().allocate(v.data().byteSize(), 64);
        s.copyFrom(v.data());
        return new NdArray(v.dtype(), v.shape(), s);
    }

    /** Reads every tensor (copied) in data order. */
    public static Map<String, NdArray> readAll(Path file) {
        try (Safetensors st = open(file)) {
            Map<String, NdArray> out = new LinkedHashMap<>();
            for (String n : st.entries.keySet()) out.put(n, st.copy(n));
            return out;
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Writes {@code tensors} (no metadata) atomically. */
    public static void write(Path file, Map<String, NdArray> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} and {@code metadata} atomically (temp file, fsync, rename), with the
     * checksum {@value #CHECKSUM_KEY} added to the metadata.
     */
    public static void write(Path file, Map<String, NdArray> tensors, Map<String, String> metadata) {
        List<String> order = new ArrayList<>(tensors.keySet());
        for (String n : order) {
            if (n == null || n.isEmpty() || n.equals(METADATA_KEY))
                throw new RevtafException(file + ": invalid tensor name '" + n + "'");
            if (tensors.get(n) == null) throw new RevtafException(file + ": tensor '" + n + "' is null");
        }
        Map<String, String> meta = new java.util.TreeMap<>(metadata == null ? Map.of() : metadata);
        if (meta.containsKey(CHECKSUM_KEY))
            throw new RevtafException(file + ": metadata key '" + CHECKSUM_KEY + "' is reserved for the checksum");
        order.sort(Comparator.comparingInt((String n) -> -tensors.get(n).dtype().byteSize())
                .thenComparing(Comparator.naturalOrder()));
        List<Entry> layout = new ArrayList<>();
        long off = 0;
        for (String n : order) {
            NdArray a = tensors.get(n);
            long size = a.data().byteSize();
            layout.add(new Entry(n, a.dtype(), a.shape(), off, off + size));
            off += size;
        }
        long crc = SafetensorsChecksum.of(
                layout, meta, order.stream().map(n -> tensors.get(n).data()).toList());
        meta.put(CHECKSUM_KEY, SafetensorsChecksum.format(crc));
        ObjectNode root = JSON.createObjectNode();
        ObjectNode m = root.putObject(METADATA_KEY);
        meta.forEach(m::put);
        for (Entry en : layout) {
            ObjectNode e = root.putObject(en.name());
            e.put("dtype", en.dtype().safetensorsName());
            ArrayNode shape = e.putArray("shape");
            for (long d : en.shape) shape.add(d);
            e.putArray("data_offsets").add(en.begin()).add(en.end());
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new RevtafException(file + ": cannot encode the safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, head);
            for (String n : order) {
                MemorySegment d = tensors.get(n).data();
                for (long o = 0; o < d.byteSize(); o += 1L << 30)
                    AtomicFile.writeFully(
                            ch,
                            d.asSlice(o, Math.min(1L << 30, d.byteSize() - o)).asByteBuffer());
            }
        });
    }
}
