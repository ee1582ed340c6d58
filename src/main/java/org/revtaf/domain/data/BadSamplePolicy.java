package org.revtaf.domain.data;

/**
 * What to do with a bad sample (a missing or corrupt image, an image path escaping the dataset root,
 * a wrong-shaped entry, an empty report): {@code fail} stops with an error naming the file and entry
 * (the default), {@code skip} leaves the sample out and counts it in the log. {@link #COLLECT} (not a
 * user choice) leaves it out and keeps it silently for a caller that reports the problems itself
 * ({@code revtaf data check}).
 */
public enum BadSamplePolicy {
    FAIL,
    SKIP,
    COLLECT;

    public static BadSamplePolicy parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "fail" -> FAIL;
            case "skip" -> SKIP;
            default -> throw new org.revtaf.RevtafException("--on-bad-sample: expected fail or skip, got '" + s + "'");
        };
    }
}
