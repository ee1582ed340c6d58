package org.revtaf.edges.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code --key value} options of one workload, validated against its declared specs. */
public final class BenchOptions {
    /** One option: name (without "--"), default value (null = required) and help text. */
    public record Spec(String name, String defaultValue, String help) {}

    /**
     * The options of a table, one a line: name, default value ({@code -}: required) and help text,
     * separated by white space (the help text is the rest of the line).
     */
    public static List<Spec> table(String rows) {
        List<Spec> out = new ArrayList<>();
        for (String row : rows.strip().split("\n")) {
            String[] f = row.strip().split("\\s+", 3);
            if (f.length < 3)
                throw new IllegalArgumentException("option table: expected 'name default help', got '" + row + "'");
            out.add(new Spec(f[0], f[1].equals("-") ? null : f[1], f[2]));
        }
        return List.copyOf(out);
    }

    /** Bad usage of a workload's options (the CLI turns it into exit status 2). */
    public static final class BadUsage extends RuntimeException {
        public BadUsage(String message) {
            super(message);
        }
    }

    private final String workload;
    private final Map<String, String> values;

    private BenchOptions(String workload, Map<String, String> values) {
        this.workload = workload;
        this.values = values;
    }

    /**
     * Parses "--key value" / "--key=value" pairs; an unknown key, or a key given twice, is bad usage
     * naming the option.
     */
    public static BenchOptions parse(Workload w, List<String> args) {
        Map<String, String> vals = new LinkedHashMap<>();
        Set<String> given = new HashSet<>();
        for (Spec s : w.options()) if (s.defaultValue() != null) vals.put(s.name(), s.defaultValue());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2)
                throw new BadUsage("bench " + w.name() + ": unexpected argument '" + a + "'; options: " + known(w));
            String key = a.substring(2), value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new BadUsage("bench " + w.name() + ": option --" + key + " needs a value");
            }
            String k = key;
            if (w.options().stream().noneMatch(s -> s.name().equals(k)))
                throw new BadUsage("bench " + w.name() + ": unknown option --" + key + "; options: " + known(w));
            if (!given.add(key))
                throw new BadUsage("bench " + w.name() + ": option --" + key + " given more than once ('"
                        + vals.get(key) + "' and '" + value + "')");
            vals.put(key, value);
        }
        for (Spec s : w.options())
            if (!vals.containsKey(s.name()))
                throw new BadUsage("bench " + w.name() + ": missing required option --" + s.name());
        return new BenchOptions(w.name(), vals);
    }

    static String known(Workload w) {
        if (w.options().isEmpty()) return "(none)";
        StringBuilder sb = new StringBuilder();
        for (Spec s : w.options()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append("--").append(s.name());
        }
        return sb.toString();
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalStateException("option --" + key + " not declared by " + workload);
        return v;
    }

    /** An integer option in [min, max]; anything else is bad usage naming the option. */
    public int integer(String key, int min, int max) {
        String v = string(key);
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max)
                throw new BadUsage(
                        "bench " + workload + ": --" + key + " must be in [" + min + ", " + max + "], got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw new BadUsage("bench " + workload + ": --" + key + " must be an integer, got '" + v + "'");
        }
    }

    /** A positive finite number option; anything else is bad usage naming the option. */
    public double number(String key) {
        return number(key, false);
    }

    /** A finite number option that is positive or zero (e.g. a warm-up that may be skipped). */
    public double nonNegative(String key) {
        return number(key, true);
    }

    private double number(String key, boolean zeroAllowed) {
        String v = string(key);
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new BadUsage("bench " + workload + ": --" + key + " must be a number, got '" + v + "'");
        }
        boolean ok = Double.isFinite(x) && (zeroAllowed ? x >= 0 : x > 0);
        if (!ok)
            throw new BadUsage("bench " + workload + ": --" + key + " must be a "
                    + (zeroAllowed ? "number >= 0" : "positive number") + ", got " + v);
        return x;
    }
}
