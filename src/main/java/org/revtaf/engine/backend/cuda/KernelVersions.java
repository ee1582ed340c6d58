package org.revtaf.engine.backend.cuda;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.revtaf.RevtafException;

/**
 * The kernel version of each family of the cuda backend, from {@code -Drevtaf.cuda.kernelVersion}:
 * unset or 0, every family's promoted default; a number N (e.g. {@code 2}), version N for every
 * family that has it, the default for the others; or a list {@code family:N,...} (e.g. {@code
 * attention_fwd:3,mobius_matvec:3}), those families only. An unknown family or a version a family
 * lacks is an error naming the property. The versions of each family are those its kernel file
 * lists (kernels/FAMILY/*.cu, "versions:"); 0 passes the kernel's own default.
 */
final class KernelVersions {
    static final String PROPERTY = "revtaf.cuda.kernelVersion";

    /** A kernel family as the property names it, and the versions its kernels accept besides 0. */
    enum Family {
        ELEMENTWISE(1),
        REDUCE(1, 2),
        CROSS_ENTROPY(1),
        ATTENTION_SOFTMAX(1),
        GEMM(1, 2),
        CONV(1, 2),
        NORM(1),
        MOBIUS_ADD(1, 2),
        POINCARE_MAP(1, 2),
        MOBIUS_MATVEC(1, 2, 3),
        POINCARE_DIST(1, 2, 3),
        SINKHORN(1, 2, 3),
        SOFT_IOU(1, 2),
        ATTENTION_FWD(1, 2, 3, 4, 5, 6),
        /**
         * 3: fp32 with the rowsum pre-pass; 7, 8: tensor cores, TF32 / BF16 operands (not the defaults).
         * Bf16 q, k, v ({@code -Drevtaf.cuda.attention.bf16}) run on forward 4 or 6 and backward 8 only.
         */
        ATTENTION_BWD(1, 2, 3, 7, 8);

        final int[] versions;

        Family(int... versions) {
            this.versions = versions;
        }

        /** The name in the property: {@code attention_fwd}. */
        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean has(int v) {
            return v == 0 || Arrays.stream(versions).anyMatch(x -> x == v);
        }
    }

    private final Map<Family, Integer> chosen;

    private KernelVersions(Map<Family, Integer> chosen) {
        this.chosen = chosen;
    }

    /** The versions the system property asks for. */
    static KernelVersions fromSystem() {
        return parse(System.getProperty(PROPERTY));
    }

    /** The version of a family (0: the kernel's default). */
    int of(Family f) {
        return chosen.getOrDefault(f, 0);
    }

    /** The versions of a property value (null or blank: all defaults). */
    static KernelVersions parse(String spec) {
        Map<Family, Integer> out = new EnumMap<>(Family.class);
        if (spec == null || spec.isBlank()) return new KernelVersions(out);
        String s = spec.strip();
        if (!s.contains(":")) {
            int v = number(spec, s);
            boolean any = false;
            for (Family f : Family.values())
                if (f.has(v)) {
                    out.put(f, v);
                    any = true;
                }
            if (!any) throw bad(spec, "no kernel family has version " + v + " (" + listing() + ")");
            return new KernelVersions(out);
        }
        for (String part : s.split(",", -1)) {
            String[] kv = part.strip().split(":", -1);
            if (kv.length != 2) throw bad(spec, "'" + part.strip() + "' is not family:version");
            Family f = Arrays.stream(Family.values())
                    .filter(x -> x.key().equals(kv[0].strip()))
                    .findFirst()
                    .orElseThrow(() -> bad(spec, "unknown kernel family '" + kv[0].strip() + "' (" + listing() + ")"));
            int v = number(spec, kv[1].strip());
            if (!f.has(v))
                throw bad(
                        spec,
                        "kernel family " + f.key() + " has no version " + v + " (versions " + versions(f)
                                + "; 0 = its default)");
            if (out.put(f, v) != null) throw bad(spec, "kernel family " + f.key() + " given twice");
        }
        return new KernelVersions(out);
    }

    private static int number(String spec, String s) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) throw bad(spec, "version " + v + " is negative");
            return v;
        } catch (NumberFormatException e) {
            throw bad(spec, "'" + s + "' is not a version number");
        }
    }

    private static String versions(Family f) {
        return Arrays.stream(f.versions).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }

    /** Every family with its versions: {@code elementwise 1, reduce 1-2, ...}. */
    private static String listing() {
        return Arrays.stream(Family.values())
                .map(f -> f.key() + " " + versions(f).replace(", ", "/"))
                .collect(Collectors.joining(", "));
    }

    private static RevtafException bad(String spec, String why) {
        return new RevtafException("-D" + PROPERTY + "=" + spec + ": " + why);
    }
}
