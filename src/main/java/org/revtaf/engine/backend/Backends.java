package org.revtaf.engine.backend;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;

/**
 * The dispatcher: the backend that runs an op, by device x dtype. Every backend is a {@link
 * BackendProvider} (reference, cpu and cuda are listed in META-INF/services; tests may register
 * others), so this package names none of its implementations; each device backend registers its
 * allocator with {@link Allocator} when it is created.
 * The cpu backend's kernels are float32 only: every other dtype on the cpu device runs the
 * reference kernels ({@link #of(Device, DType)} is the one place that decides this). Selection of
 * a device is explicit: asking for a device with no usable backend is an error, never a silent
 * fallback.
 */
public final class Backends {
    private static final Map<Device, BackendProvider> PROVIDERS = new EnumMap<>(Device.class);
    private static final Map<Device, Backend> CACHE = new EnumMap<>(Device.class);
    private static boolean loaded;

    private Backends() {}

    /** The backend that runs an op on tensors of this device and (compute) dtype. */
    public static Backend of(Device device, DType dtype) {
        return of(device == Device.CPU && dtype != DType.FLOAT32 ? Device.REFERENCE : device);
    }

    /** The backend of a device, or a RevtafException saying why there is none. */
    public static synchronized Backend of(Device device) {
        Backend b = CACHE.get(device);
        if (b != null) return b;
        b = fromProvider(device);
        CACHE.put(device, b);
        if (!device.isHost()) Allocator.register(device, b::allocate);
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
        forget(provider.device());
    }

    /** Removes the provider of a device (tests). */
    public static synchronized void unregister(Device device) {
        PROVIDERS.remove(device);
        forget(device);
    }

    private static void forget(Device device) {
        CACHE.remove(device);
        Allocator.unregister(device);
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
