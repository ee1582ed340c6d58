package org.revtaf.engine.tensor;

import java.util.Locale;
import org.revtaf.RevtafException;

/**
 * Where a tensor lives and which backend runs its ops. Names are the CLI's {@code --device} values
 * (../shared/CLI.md): {@code reference} (plain scalar oracle), {@code cpu} (fast Java), {@code cuda}
 * (real GPU), {@code cuda-emu} (the CUDA kernels under host emulation).
 */
public enum Device {
    REFERENCE("reference", true),
    CPU("cpu", true),
    CUDA("cuda", false),
    CUDA_EMU("cuda-emu", false);

    private final String cliName;
    private final boolean host;

    Device(String cliName, boolean host) {
        this.cliName = cliName;
        this.host = host;
    }

    /** The name used on the command line. */
    public String cliName() {
        return cliName;
    }

    /** True when tensors on this device keep their data in Java heap arrays ({@link HeapStorage}). */
    public boolean isHost() {
        return host;
    }

    /** Parses a {@code --device} value; the error names the argument and lists the choices. */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Device d : values()) if (d.cliName.equals(n)) return d;
        throw new RevtafException("--device: unknown device '" + name + "' (choose reference, cpu, cuda, cuda-emu)");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
