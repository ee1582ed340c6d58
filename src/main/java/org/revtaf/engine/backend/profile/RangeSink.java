package org.revtaf.engine.backend.profile;

import java.util.function.Consumer;
import org.revtaf.RevtafException;
import org.revtaf.engine.bindings.KernelException;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.Device;

/**
 * Where named ranges go while profiling: NVTX on the cuda devices (Nsight Systems shows them), no
 * sink elsewhere. Ranges nest: every {@link #push} is matched by one {@link #pop}.
 */
public interface RangeSink {
    /** No ranges (host devices, or NVTX unavailable). */
    RangeSink NONE = new RangeSink() {
        @Override
        public void push(String name) {}

        @Override
        public void pop() {}
    };

    void push(String name);

    void pop();

    /**
     * NVTX through the kernel library of {@code cuda} (and {@code cuda-emu}, where the calls are
     * no-ops) or {@link #NONE} on host devices; when the library cannot be opened, {@link #NONE}
     * and one message to {@code warn}.
     */
    static RangeSink forDevice(Device device, Consumer<String> warn) {
        if (device.isHost()) return NONE;
        try {
            return new Nvtx(RevtafKernels.forDevice(device.cliName()), warn);
        } catch (RevtafException e) {
            warn.accept("profile: no NVTX ranges on " + device + " (" + e.getMessage() + ")");
            return NONE;
        }
    }

    /** NVTX ranges through rt_nvtx_push/pop; the first failing call turns the sink off with one message. */
    final class Nvtx implements RangeSink {
        private final RevtafKernels k;
        private final Consumer<String> warn;
        private boolean off;
        private int open;

        Nvtx(RevtafKernels k, Consumer<String> warn) {
            this.k = k;
            this.warn = warn;
        }

        @Override
        public void push(String name) {
            if (off) return;
            try {
                k.nvtxPush(name);
                open++;
            } catch (KernelException e) {
                disable(e);
            }
        }

        @Override
        public void pop() {
            if (off || open == 0) return;
            try {
                k.nvtxPop();
                open--;
            } catch (KernelException e) {
                disable(e);
            }
        }

        private void disable(KernelException e) {
            off = true;
            warn.accept("profile: NVTX ranges off (" + e.getMessage() + ")");
        }
    }
}
