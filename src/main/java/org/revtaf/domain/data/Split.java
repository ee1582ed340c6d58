package org.revtaf.domain.data;

import java.util.List;
import java.util.Locale;
import org.revtaf.RevtafException;

/** The three splits of an annotation file, with the names R2Gen/PromptMRG use as keys. */
public enum Split {
    TRAIN,
    VAL,
    TEST;

    /** The key in an annotation file: the lowercase name. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static final List<Split> ALL = List.of(values());

    /** Parses a split name; MIMIC-CXR-JPG's "validate" and "valid"/"validation" mean val. */
    public static Split parse(String name, String where) {
        return switch (name.toLowerCase(Locale.ROOT).strip()) {
            case "train" -> TRAIN;
            case "val", "valid", "validate", "validation" -> VAL;
            case "test" -> TEST;
            default ->
                throw new RevtafException(where + ": unknown split '" + name + "' (expected train, val or test)");
        };
    }
}
