package org.revtaf.learning.nn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.NdArray;

/**
 * Maps the tensors of a converted PyTorch state dict onto a model's names with a
 * {@link WeightMapping} and reports what happened ({@link MappingReport}). Pure name and shape
 * work on file arrays; {@code Module.importWeights} copies the result into the parameters.
 */
public final class WeightImport {
    private WeightImport() {}

    /** The mapped tensors by model name, and the report. */
    public record Result(Map<String, NdArray> tensors, MappingReport report) {}

    /** Reads {@code file} (safetensors) and maps it onto {@code target} (model name -> shape). */
    public static Result read(Path file, Map<String, long[]> target, WeightMapping mapping) {
        try (Safetensors st = Safetensors.open(file)) {
            Map<String, NdArray> src = new LinkedHashMap<>();
            for (String n : st.names()) src.put(n, st.get(n));
            Result r = map(src, target, mapping, mapping.name() + " from " + file);
            // copy out of the mapping before it is closed
            Map<String, NdArray> owned = new LinkedHashMap<>();
            r.tensors.forEach((k, v) -> owned.put(k, copy(v)));
            return new Result(owned, r.report);
        }
    }

    /** Maps {@code source} (PyTorch name -> array) onto {@code target} (model name -> shape). */
    public static Result map(
            Map<String, NdArray> source, Map<String, long[]> target, WeightMapping mapping, String what) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        List<String> loaded = new ArrayList<>(), unexpected = new ArrayList<>();
        List<MappingReport.Mismatch> mismatched = new ArrayList<>(), resized = new ArrayList<>();
        List<MappingReport.Ignored> ignored = new ArrayList<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : source.entrySet()) {
            String src = e.getKey();
            NdArray a = e.getValue();
            WeightMapping.Match m = mapping.match(src);
            if (m == null) {
                unexpected.add(src + " (no mapping rule)");
                continue;
            }
            if (m.rule().kind() == WeightMapping.Kind.IGNORE) {
                ignored.add(new MappingReport.Ignored(src, m.rule().reason()));
                continue;
            }
            List<String> targets = m.targets();
            List<NdArray> parts = m.rule().kind() == WeightMapping.Kind.SPLIT ? split(a, targets.size()) : List.of(a);
            if (parts == null) {
                unexpected.add(src + " (cannot split " + Arrays.toString(a.shape()) + " into " + targets.size()
                        + " equal parts along dim 0)");
                continue;
            }
            for (int i = 0; i < targets.size(); i++) {
                String t = targets.get(i);
                NdArray p = parts.get(i);
                long[] want = target.get(t);
                if (want == null) {
                    unexpected.add(
                            src + (targets.size() > 1 ? "[" + i + "]" : "") + " -> " + t + " (not in the model)");
                    continue;
                }
                if (from.containsKey(t)) {
                    ignored.add(new MappingReport.Ignored(src, "duplicate of " + from.get(t) + " for " + t));
                    continue;
                }
                if (!Arrays.equals(p.shape(), want)) {
                    if (mapping.resizable().contains(t) && sameExceptDim0(p.shape(), want)) {
                        resized.add(new MappingReport.Mismatch(src, t, p.shape(), want));
                        p = leadingRows(p, want[0]);
                    } else {
                        mismatched.add(new MappingReport.Mismatch(src, t, p.shape(), want));
                        continue;
                    }
                }
                from.put(t, src);
                out.put(t, p);
                loaded.add(t);
            }
        }
        Set<String> missing = new LinkedHashSet<>(target.keySet());
        missing.removeAll(out.keySet());
        return new Result(
                out, new MappingReport(what, loaded, List.copyOf(missing), unexpected, mismatched, ignored, resized));
    }

    private static boolean sameExceptDim0(long[] a, long[] b) {
        return a.length == b.length && a.length > 0 && Arrays.equals(a, 1, a.length, b, 1, b.length);
    }

    /** The first {@code rows} rows of a (fewer when a has fewer: the caller keeps its own rows for the rest). */
    private static NdArray leadingRows(NdArray a, long rows) {
        long[] s = a.shape();
        long n = Math.min(rows, s[0]);
        s[0] = n;
        long bytes = NdArray.numel(s) * a.dtype().byteSize();
        return new NdArray(a.dtype(), s, a.data().asSlice(0, bytes));
    }

    /** Splits along dim 0 into n equal views, or null when the size is not divisible. */
    private static List<NdArray> split(NdArray a, int n) {
        long[] s = a.shape();
        if (s.length == 0 || s[0] % n != 0) return null;
        long[] ps = s.clone();
        ps[0] = s[0] / n;
        long bytes = NdArray.numel(ps) * a.dtype().byteSize();
        List<NdArray> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new NdArray(a.dtype(), ps, a.data().asSlice(i * bytes, bytes)));
        return out;
    }

    private static NdArray copy(NdArray v) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, v.data().byteSize()), 64);
        s = s.asSlice(0, v.data().byteSize());
        s.copyFrom(v.data());
        return new NdArray(v.dtype(), v.shape(), s);
    }
}
