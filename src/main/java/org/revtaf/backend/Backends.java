package org.revtaf.backend;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.revtaf.RevtafException;
import org.revtaf.backend.cpu.CpuBackend;
import org.revtaf.backend.reference.ReferenceBackend;
import org.revtaf.tensor.Device;

/**
 * Registry: the backend that runs ops for each device. Reference and cpu are built in; other
 * devices come from {@link BackendProvider}s (registered in code or through ServiceLoader).
 * Selection is explicit: asking for a device with no usable backend is an error, never a silent
 * fallback.
 */
public final class Backends {
    private static final Map<Device, BackendProvider> PROVIDERS = new EnumMap<>(Device.class);
    private static final Map<Device, Backend> CACHE = new EnumMap<>(Device.class);
    private static boolean loaded;

    private Backends() {}

    /** The backend for a device, or a RevtafException saying why there is none. */
    public static synchronized Backend of(Device device) {
        Backend b = CACHE.get(device);
        if (b != null) return b;
        b = switch (device) {
            case REFERENCE -> ReferenceBackend.INSTANCE;
            case CPU -> CpuBackend.INSTANCE;
            default -> fromProvider(device);
        };
        CACHE.put(device, b);
        return b;
    }

    /** True when {@link #of} would succeed. */
    public static synchronized boolean isAvailable(Device device) {
        if (device.isHost()) return true;
        loadServices();
        BackendProvider p = PROVIDERS.get(device);
        return p != null && p.unavailableReason() == null;
    }

    /** Registers (or replaces) the provider for its device. */
    public static synchronized void register(BackendProvider provider) {
        PROVIDERS.put(provider.device(), provider);
        CACHE.remove(provider.device());
    }

    /** Removes the provider of a device (tests). */
    public static synchronized void unregister(Device device) {
        PROVIDERS.remove(device);
        CACHE.remove(device);
    }

    private static Backend fromProvider(Device device) {
        loadServices();
        BackendProvider p = PROVIDERS.get(device);
        if (p == null)
            throw new RevtafException("--device " + device + ": not available yet (no " + device
                    + " backend is registered in this build; use --device cpu or reference)");
        String why = p.unavailableReason();
        if (why != null) throw new RevtafException("--device " + device + ": not available here: " + why);
        return p.create();
    }

    private static void loadServices() {
        if (loaded) return;
        loaded = true;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) PROVIDERS.putIfAbsent(p.device(), p);
    }
}
