package org.revtaf.engine.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Deterministic release of a step's tensors. Every storage allocated while a scope is the
 * innermost open one is released (its array goes back to the {@link Allocator} pool) when the
 * scope closes, except the storages of tensors passed to {@link #keep}, which move to the enclosing
 * scope (or become unscoped, left to the GC, when there is none).
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *     try (Scope s = Scope.open()) {
 *         Tensor loss = model.loss(batch);
 *         loss.backward();          // parameter .grad buffers are created unscoped
 *         sgd.step();
 *         lossValue = loss.item();
 *     }                             // every activation of the step is released here
 * }
 * }</pre>
 *
 * Scopes are per thread and must close in reverse order of opening. {@link #suspend()} opens a
 * pass-through region whose allocations are unscoped (used for parameter gradients).
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final boolean passThrough;
    private boolean closed;

    private Scope(boolean passThrough) {
        this.passThrough = passThrough;
    }

    /** Opens a scope that owns everything allocated until it closes. */
    public static Scope open() {
        Scope s = new Scope(false);
        STACK.get().push(s);
        return s;
    }

    /** Opens a region whose allocations belong to no scope (they live until the GC takes them). */
    public static Scope suspend() {
        Scope s = new Scope(true);
        STACK.get().push(s);
        return s;
    }

    static void register(Storage s) {
        Scope top = STACK.get().peek();
        if (top != null && !top.passThrough) top.owned.add(s);
    }

    /** Keeps these tensors alive past this scope: their storage moves to the enclosing scope. */
    public Tensor keep(Tensor t) {
        if (owned.remove(t.storage())) {
            Scope parent = enclosingOwner();
            if (parent != null) parent.owned.add(t.storage());
        }
        return t;
    }

    /** {@link #keep(Tensor)} for several tensors. */
    public void keep(Tensor... ts) {
        for (Tensor t : ts) keep(t);
    }

    /** Number of storages this scope would release now. */
    public int ownedCount() {
        return owned.size();
    }

    private Scope enclosingOwner() {
        boolean seenSelf = false;
        for (Scope s : STACK.get()) {
            if (seenSelf) {
                if (s.passThrough) return null;
                return s;
            }
            if (s == this) seenSelf = true;
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) return;
        ArrayDeque<Scope> stack = STACK.get();
        if (stack.peek() != this)
            throw new IllegalStateException("Scope closed out of order (close inner scopes first)");
        stack.pop();
        closed = true;
        List<Storage> toFree = new ArrayList<>(owned);
        owned.clear();
        for (Storage s : toFree) s.release();
    }
}
