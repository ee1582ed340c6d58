package org.revtaf.domain.text;

/**
 * The 4 states of a label, with PromptMRG's codes: 0 blank [BLA], 1 positive [POS], 2 negative
 * [NEG], 3 uncertain [UNC]. {@code chexbertCell} is how CheXbert's CSV writes it.
 */
public enum LabelStatus {
    BLANK(0, "", "[BLA]"),
    POSITIVE(1, "1.0", "[POS]"),
    NEGATIVE(2, "0.0", "[NEG]"),
    UNCERTAIN(3, "-1.0", "[UNC]");

    private final int code;
    private final String chexbertCell;
    private final String token;

    LabelStatus(int code, String chexbertCell, String token) {
        this.code = code;
        this.chexbertCell = chexbertCell;
        this.token = token;
    }

    public int code() {
        return code;
    }

    public String chexbertCell() {
        return chexbertCell;
    }

    /** The prompt token of this status. */
    public String token() {
        return token;
    }

    public static LabelStatus ofCode(int code) {
        return switch (code) {
            case 0 -> BLANK;
            case 1 -> POSITIVE;
            case 2 -> NEGATIVE;
            case 3 -> UNCERTAIN;
            default -> throw new IllegalArgumentException("label status code must be 0..3, got " + code);
        };
    }
}
