package org.revtaf.engine.tensor;

import java.util.Locale;

/**
 * Element types known to the project: what tensors hold and what the file formats (.npy,
 * safetensors) carry. {@code npyDescr} is NumPy's little-endian descriptor, {@code safetensorsName}
 * the safetensors dtype string.
 */
public enum DType {
    FLOAT32(4, "<f4", "F32"),
    FLOAT64(8, "<f8", "F64"),
    INT32(4, "<i4", "I32"),
    INT64(8, "<i8", "I64"),
    BFLOAT16(2, null, "BF16"),
    FLOAT16(2, "<f2", "F16"),
    UINT8(1, "|u1", "U8"),
    BOOL(1, "|b1", "BOOL");

    private final int byteSize;
    private final String npyDescr;
    private final String safetensorsName;

    DType(int byteSize, String npyDescr, String safetensorsName) {
        this.byteSize = byteSize;
        this.npyDescr = npyDescr;
        this.safetensorsName = safetensorsName;
    }

    public int byteSize() {
        return byteSize;
    }

    /** NumPy descriptor, or null when NumPy has no such type (bfloat16). */
    public String npyDescr() {
        return npyDescr;
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64 || this == BFLOAT16 || this == FLOAT16;
    }

    /** The dtype with this NumPy descriptor ('<f4', '<i8', ...; '=' and native order accepted), or null. */
    public static DType fromNpyDescr(String descr) {
        String d = descr.startsWith("=") ? "<" + descr.substring(1) : descr;
        for (DType t : values()) if (d.equals(t.npyDescr)) return t;
        return null;
    }

    /** The dtype with this safetensors name ('F32', 'I64', ...), or null. */
    public static DType fromSafetensorsName(String name) {
        for (DType t : values()) if (t.safetensorsName.equals(name.toUpperCase(Locale.ROOT))) return t;
        return null;
    }
}
