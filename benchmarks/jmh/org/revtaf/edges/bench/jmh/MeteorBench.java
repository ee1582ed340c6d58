package org.revtaf.edges.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.revtaf.domain.eval.Bleu;
import org.revtaf.domain.eval.Meteor;
import org.revtaf.domain.eval.MeteorModule;

/**
 * METEOR on {@code n} pairs of MIMIC-style reports (5-9 sentences from {@link LabelerBench#POOL},
 * fixed seed; each hypothesis shares about half its sentences with its reference). One operation =
 * all n pairs. {@code modules} = the module sets; the baseline in the same run is BLEU-1..4 on the
 * same pairs ({@code bleuBaseline}). The WordNet index is read in setup (once per JVM, lazily), so
 * the figures are the per-evaluation cost.
 *
 * <pre>
 * ./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 1 -i 3 MeteorBench"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class MeteorBench {
    @Param({"5000"})
    int n;

    @Param({"exact", "exact,stem", "exact,stem,synonym"})
    String modules;

    List<String> hyps;
    List<List<String>> refs;
    Meteor.Settings settings;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        hyps = new ArrayList<>(n);
        refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder h = new StringBuilder();
            StringBuilder ref = new StringBuilder();
            int k = 5 + r.nextInt(5);
            for (int j = 0; j < k; j++) {
                String s = LabelerBench.POOL[r.nextInt(LabelerBench.POOL.length)];
                ref.append(s).append(' ');
                h.append(r.nextBoolean() ? s : LabelerBench.POOL[r.nextInt(LabelerBench.POOL.length)])
                        .append(' ');
            }
            hyps.add(h.toString().toLowerCase(java.util.Locale.ROOT));
            refs.add(List.of(ref.toString().toLowerCase(java.util.Locale.ROOT)));
        }
        settings = Meteor.Settings.standard().withModules(MeteorModule.parseList(modules));
        Meteor.score(hyps.subList(0, 10), refs.subList(0, 10), settings); // loads the WordNet index
    }

    @Benchmark
    public double meteor() {
        return Meteor.score(hyps, refs, settings).corpus();
    }

    @Benchmark
    public double bleuBaseline() {
        return Bleu.score(hyps, refs).corpus()[3];
    }
}
