package org.revtaf.engine.autograd;

/**
 * Whether ops record the graph (per thread). {@code try (var g = GradMode.noGrad()) {...}} turns
 * recording off inside the block (inference, optimizer updates, backward itself).
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A region without graph recording; closing restores the previous mode. */
    public static Guard noGrad() {
        return set(false);
    }

    /** A region with graph recording on (inside a noGrad region). */
    public static Guard enableGrad() {
        return set(true);
    }

    private static Guard set(boolean on) {
        boolean[] cell = ENABLED.get();
        boolean prev = cell[0];
        cell[0] = on;
        return new Guard(cell, prev);
    }

    /** Restores the previous mode on close. */
    public static final class Guard implements AutoCloseable {
        private final boolean[] cell;
        private final boolean prev;

        private Guard(boolean[] cell, boolean prev) {
            this.cell = cell;
            this.prev = prev;
        }

        @Override
        public void close() {
            cell[0] = prev;
        }
    }
}
