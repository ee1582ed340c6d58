package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Device;

/** A backend as a device and its table of kernel families, both fixed at construction. */
public abstract class BackendBase implements Backend {
    private final Device device;
    private final Kernels kernels;

    protected BackendBase(Device device, Kernels kernels) {
        this.device = device;
        this.kernels = kernels;
    }

    @Override
    public final Device device() {
        return device;
    }

    @Override
    public final Kernels kernels() {
        return kernels;
    }
}
