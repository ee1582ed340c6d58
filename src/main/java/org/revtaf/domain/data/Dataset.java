package org.revtaf.domain.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;

/**
 * A loaded dataset: the studies of each split and the folder their image paths are relative to.
 *
 * @param source the file or folder it was read from (for messages)
 * @param imageRoot image paths of the studies resolve against this folder and may not leave it
 * @param splits the studies of each split, in file order (every split present, possibly empty)
 * @param skipped how many bad samples were skipped while loading
 * @param problems the messages (file and entry) of the first {@link BadSamples#KEEP} of them
 */
public record Dataset(Path source, Path imageRoot, Map<Split, List<Study>> splits, int skipped, List<String> problems) {
    public Dataset {
        EnumMap<Split, List<Study>> m = new EnumMap<>(Split.class);
        for (Split s : Split.ALL) m.put(s, List.copyOf(splits.getOrDefault(s, List.of())));
        splits = java.util.Collections.unmodifiableMap(m);
        problems = List.copyOf(problems);
    }

    /** A dataset whose loader kept no messages. */
    public Dataset(Path source, Path imageRoot, Map<Split, List<Study>> splits, int skipped) {
        this(source, imageRoot, splits, skipped, List.of());
    }

    /** What a loader collected with {@code bad}. */
    static Dataset of(Path source, Path imageRoot, Map<Split, List<Study>> splits, BadSamples bad) {
        return new Dataset(source, imageRoot, splits, bad.count(), bad.firstMessages());
    }

    public List<Study> split(Split s) {
        return splits.get(s);
    }

    /** All studies, train then val then test. */
    public List<Study> all() {
        List<Study> out = new ArrayList<>();
        for (Split s : Split.ALL) out.addAll(splits.get(s));
        return out;
    }

    public int size() {
        int n = 0;
        for (List<Study> l : splits.values()) n += l.size();
        return n;
    }

    /** The default image root of a dataset folder: {@code DIR/images} when it exists, else DIR (R2Gen's image_dir). */
    public static Path defaultImageRoot(Path dir) {
        Path images = dir.resolve("images");
        return Files.isDirectory(images) ? images : dir;
    }

    /** Resolves an image path of this dataset; see {@link #resolveImage(Path, String, String)}. */
    public Path resolveImage(String relative, String where) {
        return resolveImage(imageRoot, relative, where);
    }

    /**
     * Resolves an image path against the image root. An absolute path or one that leaves the root
     * ({@code ../}) is an error naming {@code where}: annotation files come from elsewhere and must not
     * make us read arbitrary files.
     */
    public static Path resolveImage(Path imageRoot, String relative, String where) {
        if (relative.isEmpty()) throw new RevtafException(where + ": empty image_path");
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (java.nio.file.InvalidPathException e) {
            throw new RevtafException(where + ": invalid image_path '" + relative + "'");
        }
        if (rel.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\"))
            throw new RevtafException(
                    where + ": image_path '" + relative + "' is absolute; it must be relative to " + imageRoot);
        Path root = imageRoot.toAbsolutePath().normalize();
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root))
            throw new RevtafException(where + ": image_path '" + relative + "' escapes the dataset root " + imageRoot);
        return p;
    }

    /** A study list per split from a flat list. */
    public static Map<Split, List<Study>> bySplit(List<Study> studies, String where) {
        Map<Split, List<Study>> m = new EnumMap<>(Split.class);
        for (Split s : Split.ALL) m.put(s, new ArrayList<>());
        for (Study st : studies)
            m.get(Split.parse(st.split(), where + " (id " + st.id() + ")")).add(st);
        return m;
    }
}
