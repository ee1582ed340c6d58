package org.revtaf.edges.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.revtaf.engine.tensor.Device;

/**
 * Result of one workload run: seconds per operation (median over the timed repetitions) and the
 * throughput figures that apply (NaN when not). {@code extra} carries workload details (shape,
 * threads, min/max) for the JSON output.
 */
public record BenchResult(
        String name,
        Device device,
        double seconds,
        double gflops,
        double gbps,
        double itemsPerS,
        Map<String, Object> extra) {

    /** The JSON object of {@code --json}: name, device, seconds, then the defined figures, then extra. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("device", device.cliName());
        m.put("seconds", seconds);
        if (!Double.isNaN(gflops)) m.put("gflops", gflops);
        if (!Double.isNaN(gbps)) m.put("gbps", gbps);
        if (!Double.isNaN(itemsPerS)) m.put("items_per_s", itemsPerS);
        m.putAll(extra);
        return m;
    }

    /** One human-readable line. */
    public String toLine() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s on %s: %.6f s", name, device, seconds));
        if (!Double.isNaN(gflops)) sb.append(String.format(", %.1f GFLOP/s", gflops));
        if (!Double.isNaN(gbps)) sb.append(String.format(", %.2f GB/s", gbps));
        if (!Double.isNaN(itemsPerS)) sb.append(String.format(", %.1f items/s", itemsPerS));
        extra.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
        return sb.toString();
    }
}
