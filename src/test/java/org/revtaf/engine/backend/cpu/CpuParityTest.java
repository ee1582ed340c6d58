package org.revtaf.engine.backend.cpu;

import org.revtaf.engine.tensor.Device;

/** cpu backend vs reference: the cases of {@link BackendParityCases}. */
class CpuParityTest extends BackendParityCases {
    @Override
    protected Device device() {
        return Device.CPU;
    }
}
