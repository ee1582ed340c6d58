package org.revtaf.edges.cli;

/**
 * Child-process half of {@code TrainCommandTest}: trains CONFIG on DATA with CACHE uninterrupted
 * into FULL, then into SPLIT stopped after STEPS and resumed; exits with the first non-zero status.
 */
public final class ResumeEquality {
    private ResumeEquality() {}

    public static void main(String[] a) {
        String[] base = {"train", "--config", a[0], "--data", a[1], "--cache", a[2], "--out"};
        int s = Main.run(concat(base, a[3]));
        if (s == 0) s = Main.run(concat(base, a[4], "--stop-after", a[5]));
        if (s == 0) s = Main.run(concat(base, a[4], "--resume"));
        System.exit(s);
    }

    private static String[] concat(String[] x, String... y) {
        String[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
