package org.revtaf.learning.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Numbered children {@code 0, 1, ...} (PyTorch's {@code nn.ModuleList}). */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public M add(M m) {
        items.add(child(Integer.toString(items.size()), m));
        return m;
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return Collections.unmodifiableList(items);
    }
}
