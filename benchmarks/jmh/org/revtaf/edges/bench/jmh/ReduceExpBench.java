package org.revtaf.edges.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.revtaf.engine.backend.cpu.kernels.VecMath;

/**
 * The price of JIT-tier-independent numerics (issue 20): row sums with {@link VecMath#sum} (a fixed
 * lane tree of adds) against {@code reduceLanes(ADD)} (C2's own order), and exponentials with
 * {@link VecMath#exp} (own polynomial) against {@code lanewise(EXP)} (the vendor routine), in the
 * same run. Rows of {@code cols} floats (64: a Sinkhorn/attention row of the tiny config; 768: a
 * layer-norm row), 4096 rows, single thread; ops/s of the whole 4096-row pass.
 *
 * <p>./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 3 -i 5 -w 1s -r 1s ReduceExpBench"
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReduceExpBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ROWS = 4096;

    @Param({"64", "768"})
    int cols;

    float[] x, y, sums;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(5);
        x = new float[ROWS * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 20 - 10);
        y = new float[x.length];
        sums = new float[ROWS];
    }

    @Benchmark
    public float[] sumReduceLanes() {
        for (int row = 0; row < ROWS; row++) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < cols; j += S.length()) acc = acc.add(FloatVector.fromArray(S, x, row * cols + j));
            sums[row] = acc.reduceLanes(VectorOperators.ADD);
        }
        return sums;
    }

    @Benchmark
    public float[] sumVecMath() {
        for (int row = 0; row < ROWS; row++) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < cols; j += S.length()) acc = acc.add(FloatVector.fromArray(S, x, row * cols + j));
            sums[row] = VecMath.sum(acc);
        }
        return sums;
    }

    @Benchmark
    public float[] expLanewise() {
        for (int i = 0; i < x.length; i += S.length())
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        return y;
    }

    @Benchmark
    public float[] expVecMath() {
        for (int i = 0; i < x.length; i += S.length())
            VecMath.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        return y;
    }
}
