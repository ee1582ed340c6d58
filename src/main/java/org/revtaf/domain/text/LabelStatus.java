package org.revtaf.domain.text;

import java.util.List;

/**
 * The 4 states of a label, declared in the order of PromptMRG's codes, so the code is the ordinal:
 * 0 blank [BLA], 1 positive [POS], 2 negative [NEG], 3 uncertain [UNC]. {@code chexbertCell} is how
 * CheXbert's CSV writes it.
 */
public enum LabelStatus {
    BLANK("", "[BLA]"),
    POSITIVE("1.0", "[POS]"),
    NEGATIVE("0.0", "[NEG]"),
    UNCERTAIN("-1.0", "[UNC]");

    private static final List<LabelStatus> BY_CODE = List.of(values());

    private final String chexbertCell, token;

    LabelStatus(String chexbertCell, String token) {
        this.chexbertCell = chexbertCell;
        this.token = token;
    }

    /** PromptMRG's code of the status. */
    public int code() {
        return ordinal();
    }

    public String chexbertCell() {
        return chexbertCell;
    }

    /** The prompt token of this status. */
    public String token() {
        return token;
    }

    public static LabelStatus ofCode(int code) {
        if (code < 0 || code >= BY_CODE.size())
            throw new IllegalArgumentException("label status code must be 0..3, got " + code);
        return BY_CODE.get(code);
    }
}
