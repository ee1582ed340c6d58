package org.revtaf.learning.model.retrieval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * Nearest neighbours by Poincare distance (curvature c, the hyptorch {@code dist_matrix} formula
 * of {@link F#poincareDist}) in a database of points of the ball: at inference REVTAF retrieves the
 * training report whose LRE embedding is nearest (reference section 1.5, top-1, first index on
 * ties). Distances are computed for the database in chunks of rows, so memory stays at
 * (queries, chunk) floats however large the database; no (queries, N, d) tensor exists at any
 * time.
 *
 * <p>The index is a cache: {@link #save} writes the points and curvature to safetensors with a
 * key (the hashes it was built from) in the metadata; {@link #loadIfFresh} returns it only when
 * the key matches.
 */
public final class PoincareIndex {
    public static final String FORMAT = "revtaf-poincare-index";
    public static final int VERSION = 1;
    /** Default bound of one distance chunk: queries x rows floats. */
    public static final int CHUNK_FLOATS = 1 << 22;

    private static final String KEY_PREFIX = "key.";

    private final Tensor points; // (N, d) float32
    private final double c;
    private final Map<String, String> key;
    private final int chunkFloats;

    private PoincareIndex(Tensor points, double c, Map<String, String> key, int chunkFloats) {
        this.points = points;
        this.c = c;
        this.key = key;
        this.chunkFloats = chunkFloats;
    }

    /**
     * An index of {@code points}, which must lie inside the ball of curvature {@code c} (norm below
     * 1/sqrt(c)).
     *
     * @param points float32 (N, d), N >= 1, on the device distances are to be computed on
     * @param key what the points were built from (e.g. checkpoint and cache hashes); saved with the
     *     index and compared by {@link #loadIfFresh}
     */
    public static PoincareIndex build(Tensor points, double c, Map<String, String> key) {
        if (!(c > 0) || Double.isInfinite(c)) throw new RevtafException("retrieval: curvature c must be > 0, got " + c);
        if (points.rank() != 2 || points.shape(0) < 1 || points.shape(1) < 1)
            throw new RevtafException(
                    "retrieval: points must be (N, d) with N, d >= 1, got " + Shapes.str(points.shapeRef()));
        if (points.dtype() != DType.FLOAT32)
            throw new RevtafException("retrieval: points must be float32, got " + points.dtype());
        for (var e : key.entrySet())
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null)
                throw new RevtafException("retrieval: index key entries must be non-empty names with values: " + key);
        double limit = 1 / Math.sqrt(c);
        float[] sq;
        try (GradMode.Guard g = GradMode.noGrad()) {
            sq = F.sum(F.mul(points, points), false, 1).toFloats(); // (N)
        }
        for (int i = 0; i < sq.length; i++) {
            double norm = Math.sqrt(sq[i]);
            if (!(norm < limit))
                throw new RevtafException("retrieval: point " + i + " has norm " + norm
                        + ", not inside the Poincare ball of curvature " + c + " (radius " + limit + ")");
        }
        return new PoincareIndex(points.contiguous(), c, Map.copyOf(new TreeMap<>(key)), CHUNK_FLOATS);
    }

    /** The same index computing distances in chunks of at most {@code floats} values (>= 1). */
    public PoincareIndex withChunkFloats(int floats) {
        if (floats < 1) throw new RevtafException("retrieval: chunk size must be >= 1, got " + floats);
        return new PoincareIndex(points, c, key, floats);
    }

    public int size() {
        return points.shape(0);
    }

    public int dim() {
        return points.shape(1);
    }

    public double curvature() {
        return c;
    }

    public Map<String, String> key() {
        return key;
    }

    /** The database points (N, d). */
    public Tensor points() {
        return points;
    }

    /**
     * The k nearest points of each query, nearest first.
     *
     * @param index [query][rank] database row
     * @param distance [query][rank] Poincare distance (float32 as computed)
     */
    public record Neighbors(int[][] index, float[][] distance) {}

    /** {@link #search(Tensor, int, int[])} without exclusion. */
    public Neighbors search(Tensor queries, int k) {
        return search(queries, k, null);
    }

    /**
     * The k nearest database points of each query row, nearest first; equal distances keep the
     * lower database index first.
     *
     * @param queries (B, d) on the index's device
     * @param exclude per query a database row to skip (the query itself, e.g. a training study
     *     retrieving among the others), or -1; null for none
     */
    public Neighbors search(Tensor queries, int k, int[] exclude) {
        int n = size(), d = dim();
        if (queries.rank() != 2 || queries.shape(1) != d)
            throw new RevtafException(
                    "retrieval: queries must be (B, " + d + "), got " + Shapes.str(queries.shapeRef()));
        int b = queries.shape(0);
        if (exclude != null && exclude.length != b)
            throw new RevtafException("retrieval: " + exclude.length + " exclusions for " + b + " queries");
        int available = n - (exclude == null ? 0 : 1);
        if (k < 1 || k > available)
            throw new RevtafException("retrieval: k = " + k + " but the index holds " + n + " points"
                    + (exclude == null ? "" : " (one excluded per query)"));
        if (exclude != null)
            for (int i = 0; i < b; i++)
                if (exclude[i] < -1 || exclude[i] >= n)
                    throw new RevtafException("retrieval: exclusion " + exclude[i] + " of query " + i
                            + " is not a row of the index (0.." + (n - 1) + " or -1)");
        int[][] idx = new int[b][k];
        float[][] dist = new float[b][k];
        for (float[] row : dist) Arrays.fill(row, Float.POSITIVE_INFINITY);
        for (int[] row : idx) Arrays.fill(row, -1);
        if (b == 0) return new Neighbors(idx, dist);
        int rows = Math.max(1, Math.min(n, chunkFloats / b));
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor q = queries.contiguous();
            for (int start = 0; start < n; start += rows) {
                int end = Math.min(n, start + rows);
                float[] block;
                try (Scope s = Scope.open()) {
                    block = F.poincareDist(q, points.slice(0, start, end), c).toFloats(); // (B, end - start)
                }
                merge(block, start, end, exclude, idx, dist);
            }
        }
        return new Neighbors(idx, dist);
    }

    /** Inserts a (B, end - start) distance block into the per-query sorted top-k lists. */
    private static void merge(float[] block, int start, int end, int[] exclude, int[][] idx, float[][] dist) {
        int w = end - start;
        for (int qi = 0; qi < idx.length; qi++) {
            int[] ix = idx[qi];
            float[] ds = dist[qi];
            int k = ix.length, skip = exclude == null ? -1 : exclude[qi];
            for (int j = 0; j < w; j++) {
                float v = block[qi * w + j];
                int row = start + j;
                if (row == skip) continue;
                if (v != v)
                    throw new RevtafException("retrieval: distance of query " + qi + " to point " + row
                            + " is NaN (non-finite query or point)");
                if (!(v < ds[k - 1]) && ix[k - 1] >= 0) continue; // strict: earlier rows win ties
                int pos = k - 1;
                while (pos > 0 && (v < ds[pos - 1] || ix[pos - 1] < 0)) {
                    ds[pos] = ds[pos - 1];
                    ix[pos] = ix[pos - 1];
                    pos--;
                }
                ds[pos] = v;
                ix[pos] = row;
            }
        }
    }

    // ---- cache file -----------------------------------------------------------------------

    /** Writes the index atomically: tensor {@code points}, metadata format, version, curvature, key. */
    public void save(Path file) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", Integer.toString(VERSION));
        meta.put("curvature", Double.toString(c));
        key.forEach((k, v) -> meta.put(KEY_PREFIX + k, v));
        Safetensors.write(file, Map.of("points", points.toNdArray()), meta);
    }

    /** Reads an index saved by {@link #save}; any problem is an error naming the file. */
    public static PoincareIndex load(Path file, Device device) {
        try (Safetensors st = Safetensors.open(file)) {
            Map<String, String> meta = st.metadata();
            if (!FORMAT.equals(meta.get("format")))
                throw new RevtafException(file + ": not a Poincare index (metadata 'format' is " + meta.get("format")
                        + ", expected " + FORMAT + ")");
            if (!Integer.toString(VERSION).equals(meta.get("version")))
                throw new RevtafException(file + ": Poincare index version " + meta.get("version")
                        + " is not supported (this build reads " + VERSION + ")");
            double c;
            try {
                c = Double.parseDouble(String.valueOf(meta.get("curvature")));
            } catch (NumberFormatException e) {
                throw new RevtafException(file + ": metadata 'curvature' is not a number: " + meta.get("curvature"));
            }
            if (!st.contains("points")) throw new RevtafException(file + ": has no 'points' tensor");
            NdArray p = st.get("points");
            if (p.dtype() != DType.FLOAT32 || p.rank() != 2)
                throw new RevtafException(file + ": 'points' must be float32 (N, d), got " + p.dtype() + " "
                        + Arrays.toString(p.shape()));
            Map<String, String> key = new TreeMap<>();
            meta.forEach((k, v) -> {
                if (k.startsWith(KEY_PREFIX)) key.put(k.substring(KEY_PREFIX.length()), v);
            });
            try {
                return build(Tensor.fromNdArray(p, device), c, key);
            } catch (RevtafException e) {
                throw new RevtafException(file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The cached index at {@code file} when it exists and was built from {@code key}; empty when
     * the file is missing or stale (another key), so the caller rebuilds it. A corrupt file is an
     * error.
     */
    public static Optional<PoincareIndex> loadIfFresh(Path file, Map<String, String> key, Device device) {
        if (!Files.exists(file)) return Optional.empty();
        PoincareIndex idx = load(file, device);
        return idx.key.equals(new TreeMap<>(key)) ? Optional.of(idx) : Optional.empty();
    }
}
