package org.revtaf.learning.model.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;

public class PoincareIndexTest {
    public static final double C = 0.01; // REVTAF's curvature: ball radius 10

    @TempDir
    Path dir;

    /** Points uniform in direction with norms up to {@code maxRadius} times the ball radius. */
    static float[] ballPoints(Random r, int n, int d, double maxRadius) {
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] v = new double[d];
            double norm = 0;
            for (int j = 0; j < d; j++) {
                v[j] = r.nextGaussian();
                norm += v[j] * v[j];
            }
            double scale = maxRadius / Math.sqrt(C) * Math.pow(r.nextDouble(), 1.0 / d) / Math.sqrt(norm);
            for (int j = 0; j < d; j++) out[i * d + j] = (float) (v[j] * scale);
        }
        return out;
    }

    /** hyptorch dist_matrix in double, written out: 2/sqrt(c) artanh(sqrt(c) |(-x) (+) y|). */
    public static double dist(float[] xs, int xi, float[] ys, int yi, int d) {
        double[] x = new double[d], y = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = -xs[xi * d + j];
            y[j] = ys[yi * d + j];
        }
        double xy = 0, x2 = 0, y2 = 0;
        for (int j = 0; j < d; j++) {
            xy += x[j] * y[j];
            x2 += x[j] * x[j];
            y2 += y[j] * y[j];
        }
        double den = 1 + 2 * C * xy + C * C * x2 * y2 + 1e-5;
        double n2 = 0;
        for (int j = 0; j < d; j++) {
            double m = ((1 + 2 * C * xy + C * y2) * x[j] + (1 - C * x2) * y[j]) / den;
            n2 += m * m;
        }
        double z = Math.min(Math.sqrt(C) * Math.sqrt(n2), 1 - 1e-5);
        return 2 / Math.sqrt(C) * 0.5 * Math.log((1 + z) / (1 - z));
    }

    static Integer[] bruteForce(float[] q, int qi, float[] db, int n, int d, int skip) {
        double[] all = new double[n];
        for (int i = 0; i < n; i++) all[i] = dist(q, qi, db, i, d);
        return IntStream.range(0, n)
                .filter(i -> i != skip)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> all[i]).thenComparingInt(i -> i))
                .toArray(Integer[]::new);
    }

    @Test
    void returnsTheTrueNearestNeighboursOfADoubleBruteForceSearch() {
        int n = 1000, d = 16, b = 7, k = 5;
        Random r = new Random(7);
        float[] db = ballPoints(r, n, d, 0.7), q = ballPoints(r, b, d, 0.7);
        PoincareIndex index = PoincareIndex.build(Tensor.of(Device.CPU, db, n, d), C, Map.of());
        Tensor queries = Tensor.of(Device.CPU, q, b, d);
        int[] exclude = {-1, 3, 999, -1, 0, 500, -1};
        for (PoincareIndex ix : new PoincareIndex[] {index, index.withChunkFloats(b * 37), index.withChunkFloats(1)})
            for (int[] ex : new int[][] {null, exclude}) {
                PoincareIndex.Neighbors got = ix.search(queries, k, ex);
                for (int i = 0; i < b; i++) {
                    Integer[] truth = bruteForce(q, i, db, n, d, ex == null ? -1 : ex[i]);
                    for (int rank = 0; rank < k; rank++) {
                        double dTrue = dist(q, i, db, truth[rank], d), dNext = dist(q, i, db, truth[rank + 1], d);
                        assertTrue(
                                dNext - dTrue > 1e-5 * dTrue,
                                "test data must have no near-ties: " + dTrue + " " + dNext);
                        assertEquals(truth[rank], got.index()[i][rank], "query " + i + " rank " + rank);
                        assertEquals(dTrue, got.distance()[i][rank], 1e-4 * dTrue, "distance");
                    }
                }
            }
    }

    @Test
    void equalDistancesGoToTheLowestIndexAndSelfIsExcluded() {
        int d = 4;
        Random r = new Random(3);
        float[] db = ballPoints(r, 12, d, 0.5);
        System.arraycopy(db, 3 * d, db, 10 * d, d); // rows 3 and 10 are the same point
        System.arraycopy(db, 3 * d, db, 7 * d, d); // and row 7
        PoincareIndex index = PoincareIndex.build(Tensor.of(Device.CPU, db, 12, d), C, Map.of())
                .withChunkFloats(5);
        Tensor q = Tensor.of(Device.CPU, Arrays.copyOfRange(db, 3 * d, 4 * d), 1, d);
        assertArrayEquals(new int[] {3, 7, 10}, index.search(q, 3).index()[0]);
        assertArrayEquals(new int[] {7, 10}, index.search(q, 2, new int[] {3}).index()[0]);
        assertEquals(0.0, index.search(q, 1).distance()[0][0], 1e-2, "a point is at distance ~0 of itself");
    }

    @Test
    void savesAndLoadsWithItsKeyAsACache() {
        int n = 50, d = 8;
        float[] db = ballPoints(new Random(5), n, d, 0.9);
        Map<String, String> key = Map.of("foundation_hash", "abc", "revtaf_hash", "def");
        PoincareIndex index = PoincareIndex.build(Tensor.of(Device.CPU, db, n, d), C, key);
        Path file = dir.resolve("cache/lre_index.safetensors");
        index.save(file);
        PoincareIndex back = PoincareIndex.load(file, Device.CPU);
        assertEquals(C, back.curvature());
        assertEquals(key, back.key());
        assertArrayEquals(db, back.points().toFloats());
        Tensor q = Tensor.of(Device.CPU, ballPoints(new Random(6), 3, d, 0.9), 3, d);
        assertArrayEquals(index.search(q, 4).index(), back.search(q, 4).index());

        assertTrue(PoincareIndex.loadIfFresh(file, key, Device.CPU).isPresent());
        assertFalse(
                PoincareIndex.loadIfFresh(file, Map.of("foundation_hash", "abc", "revtaf_hash", "zzz"), Device.CPU)
                        .isPresent(),
                "another checkpoint: stale");
        assertFalse(PoincareIndex.loadIfFresh(dir.resolve("none.safetensors"), key, Device.CPU)
                .isPresent());
    }

    @Test
    void badFilesAndInputsAreClearErrors() throws Exception {
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a tensor file at all");
        assertTrue(assertThrows(RevtafException.class, () -> PoincareIndex.load(garbage, Device.CPU))
                .getMessage()
                .contains(garbage.toString()));
        Path other = dir.resolve("other.safetensors");
        Safetensors.write(other, Map.of("points", NdArray.ofFloats(new long[] {1, 2}, 0f, 0f)), Map.of("format", "x"));
        assertTrue(assertThrows(RevtafException.class, () -> PoincareIndex.loadIfFresh(other, Map.of(), Device.CPU))
                .getMessage()
                .contains("not a Poincare index"));

        float[] outside = {0f, 10.5f}; // radius 10 at c = 0.01
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> PoincareIndex.build(Tensor.of(Device.CPU, outside, 1, 2), C, Map.of()))
                .getMessage()
                .contains("point 0"));
        PoincareIndex index = PoincareIndex.build(Tensor.of(Device.CPU, new float[] {0, 1, 1, 0}, 2, 2), C, Map.of());
        assertThrows(RevtafException.class, () -> index.search(Tensor.of(Device.CPU, new float[3], 1, 3), 1));
        assertThrows(RevtafException.class, () -> index.search(Tensor.of(Device.CPU, new float[2], 1, 2), 3));
        assertThrows(
                RevtafException.class, () -> index.search(Tensor.of(Device.CPU, new float[2], 1, 2), 2, new int[] {0}));
        assertThrows(
                RevtafException.class, () -> index.search(Tensor.of(Device.CPU, new float[2], 1, 2), 1, new int[] {5}));
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> index.search(Tensor.of(Device.CPU, new float[] {Float.NaN, 0}, 1, 2), 1))
                .getMessage()
                .contains("NaN"));
    }
}
