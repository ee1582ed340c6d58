package org.revtaf.edges.config;

/**
 * The lower bounds of the config records' integer settings, checked in their compact constructors.
 * The message names the YAML key, the bound and the value given ("batch_size must be >= 1, got 0");
 * the binder adds the file and line.
 */
final class Checks {
    private Checks() {}

    static void atLeast(String key, long value, long min) {
        atLeast(key, value, min, "");
    }

    /** {@code note} follows the bound in the message: what the bound itself means ("(0: off)"). */
    static void atLeast(String key, long value, long min, String note) {
        if (value < min)
            throw new IllegalArgumentException(
                    key + " must be >= " + min + (note.isEmpty() ? "" : " " + note) + ", got " + value);
    }
}
