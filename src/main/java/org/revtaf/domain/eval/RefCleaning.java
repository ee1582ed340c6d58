package org.revtaf.domain.eval;

import java.util.List;
import org.revtaf.domain.text.ReportCleaner;

/**
 * How references are cleaned before scoring. Raw reports (an annotation.json) differ from the text
 * the community pipelines score against: PromptMRG compares predictions with its cleaned ground
 * truth ({@code my_pre_caption}: R2Gen's MIMIC cleaner, then the first 100 words), so scoring raw
 * references would not be comparable with the literature. {@link #auto} picks {@link #promptmrg}
 * for an annotation.json and {@link #none} for a {@code .jsonl} (assumed to hold text as scored).
 */
public enum RefCleaning {
    /** {@link #promptmrg} for an annotation.json, {@link #none} otherwise. */
    auto,
    /** References as given. */
    none,
    /** R2Gen's {@code clean_report_mimic_cxr}. */
    mimic,
    /** R2Gen's {@code clean_report_iu_xray}. */
    iu,
    /** PromptMRG's {@code my_pre_caption}: mimic cleaning, first 100 words. */
    promptmrg;

    /** {@link #auto} resolved for references read from an annotation.json or not; others unchanged. */
    public RefCleaning resolve(boolean refsFromAnnotation) {
        if (this != auto) return this;
        return refsFromAnnotation ? promptmrg : none;
    }

    /** One reference cleaned; {@link #auto} must be {@linkplain #resolve resolved} first. */
    public String apply(String ref) {
        return switch (this) {
            case auto -> throw new IllegalStateException("RefCleaning.auto must be resolved before use");
            case none -> ref;
            case mimic -> ReportCleaner.cleanMimic(ref);
            case iu -> ReportCleaner.cleanIu(ref);
            case promptmrg -> ReportCleaner.preCaption(ref);
        };
    }

    /** All references cleaned, in order. */
    public List<String> apply(List<String> refs) {
        return refs.stream().map(this::apply).toList();
    }
}
