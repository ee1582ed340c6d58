package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Device;

/**
 * Plug-in point for backends outside this package (the cuda backend): register an instance with
 * {@link Backends#register} or list the class in
 * {@code META-INF/services/org.revtaf.engine.backend.BackendProvider}.
 */
public interface BackendProvider {
    /** The device this provider serves (cuda or cuda-emu). */
    Device device();

    /** Null when the backend can run here, else why not (e.g. "no GPU", "library not built"). */
    default String unavailableReason() {
        return null;
    }

    /** The backend; called once, only when {@link #unavailableReason()} is null. */
    Backend create();
}
