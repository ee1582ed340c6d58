package org.revtaf.edges.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH secondary counters: a benchmark adds the GFLOP or GB it processed per call, so that JMH in
 * throughput mode reports them as GFLOP/s ("gflop") and GB/s ("gb") beside ops/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Counters {
    public double gflop;
    public double gb;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
        gb = 0;
    }
}
