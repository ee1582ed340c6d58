package org.revtaf.engine.bindings;

import org.revtaf.RevtafException;

/**
 * A non-zero status from the kernel library. The message is {@code rt_last_error()}: the C entry
 * point, what went wrong and the .cu file and line (for emulator faults also the kernel's own
 * file:line:column).
 */
public final class KernelException extends RevtafException {
    /** Status codes of include/revtaf_kernels.h. */
    public static final int INVALID_ARGUMENT = 1;

    public static final int OUT_OF_MEMORY = 2;
    public static final int NO_DEVICE = 3;
    public static final int LAUNCH_FAILED = 4;
    public static final int EMULATOR_FAULT = 5;

    private final int status;
    private final String nativeMessage;

    public KernelException(int status, String nativeMessage) {
        super(describe(status) + ": " + nativeMessage);
        this.status = status;
        this.nativeMessage = nativeMessage;
    }

    public int status() {
        return status;
    }

    /** rt_last_error() text: "op: message at file:line". */
    public String nativeMessage() {
        return nativeMessage;
    }

    static String describe(int status) {
        return switch (status) {
            case INVALID_ARGUMENT -> "invalid argument";
            case OUT_OF_MEMORY -> "out of device memory";
            case NO_DEVICE -> "no CUDA device or driver";
            case LAUNCH_FAILED -> "kernel launch failed";
            case EMULATOR_FAULT -> "CUDA emulator fault";
            default -> status >= 100 ? "CUDA runtime error " + (status - 100) : "kernel library status " + status;
        };
    }
}
