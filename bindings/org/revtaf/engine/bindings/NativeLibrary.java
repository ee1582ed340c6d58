package org.revtaf.engine.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.revtaf.RevtafException;

/**
 * Finds and loads the project's native libraries: from the folder named by the system property
 * {@code revtaf.native.dir} when the file is there, otherwise extracted from the jar resource
 * {@code org/revtaf/native/NAME} into a temporary folder (once per JVM). Libraries are loaded into
 * {@link Arena#global()} and never unloaded (the emulator's worker threads live inside them).
 */
public final class NativeLibrary {
    /** System property naming the folder with librevtaf_*.so (the build sets it to target/native). */
    public static final String DIR_PROPERTY = "revtaf.native.dir";

    private static final String RESOURCE_DIR = "org/revtaf/native/";
    private static final Map<Path, SymbolLookup> LOADED = new ConcurrentHashMap<>();
    private static volatile Path extractDir;

    private NativeLibrary() {}

    /** Where {@code fileName} would be loaded from, or null when it exists neither on disk nor in the jar. */
    public static Path locate(String fileName) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null) {
            Path p = Path.of(dir, fileName);
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        return extract(fileName);
    }

    /** Loads {@code fileName} (see the class comment); a clear error if it is nowhere. */
    public static SymbolLookup load(String fileName) {
        Path p = locate(fileName);
        if (p == null) {
            throw new RevtafException("native library " + fileName + " not found: neither in -D" + DIR_PROPERTY + "="
                    + System.getProperty(DIR_PROPERTY) + " nor in the jar (" + RESOURCE_DIR + fileName
                    + "); build it with `make -C kernels`");
        }
        return loadPath(p);
    }

    /** Loads a library by path (used for test libraries too). */
    public static SymbolLookup loadPath(Path path) {
        Path key = path.toAbsolutePath().normalize();
        return LOADED.computeIfAbsent(key, k -> {
            try {
                return SymbolLookup.libraryLookup(k, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new RevtafException("cannot load native library " + k + ": " + e.getMessage(), e);
            }
        });
    }

    private static Path extract(String fileName) {
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + fileName)) {
            if (in == null) {
                return null;
            }
            synchronized (NativeLibrary.class) {
                if (extractDir == null) {
                    Path dir = Files.createTempDirectory("revtaf-native-");
                    dir.toFile().deleteOnExit();
                    extractDir = dir;
                }
                Path target = extractDir.resolve(fileName);
                if (!Files.exists(target)) {
                    Path tmp = Files.createTempFile(extractDir, fileName, ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    target.toFile().deleteOnExit();
                }
                return target;
            }
        } catch (IOException e) {
            throw new RevtafException(
                    "cannot extract native library " + fileName + " from the jar: " + e.getMessage(), e);
        }
    }
}
