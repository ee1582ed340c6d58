package org.revtaf.domain.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.revtaf.RevtafException;

/**
 * Opens a dataset folder in any of the supported layouts, for the commands that take {@code --data
 * DIR}: an R2Gen/PromptMRG {@code annotation.json} (what {@code revtaf synth} writes; images under
 * DIR/images, else DIR), the MIMIC-CXR-JPG CSVs (with the reports folder), or the Kaggle IU X-Ray
 * CSVs.
 */
public final class Datasets {
    private Datasets() {}

    /**
     * Where to find things; null fields take the defaults.
     *
     * @param annotation annotation file (default DIR/annotation.json)
     * @param images image root (default DIR/images when it exists, else DIR)
     * @param reports MIMIC-CXR reports folder holding files/pXX/...txt (needed for MIMIC-CXR-JPG)
     * @param checkImages whether loading an annotation checks that every image file exists
     */
    public record Where(Path annotation, Path images, Path reports, boolean checkImages) {
        public static final Where DEFAULT = new Where(null, null, null, true);
    }

    public static Dataset open(Path dir, Where where, BadSamplePolicy policy, Consumer<String> log) {
        if (!Files.isDirectory(dir)) throw new RevtafException("--data " + dir + ": not a folder");
        if (where.annotation() != null || Files.isRegularFile(dir.resolve("annotation.json"))) {
            Path file = where.annotation() != null ? where.annotation() : dir.resolve("annotation.json");
            Path root = where.images() != null ? where.images() : Dataset.defaultImageRoot(dir);
            return AnnotationJson.read(file, root, new AnnotationJson.Options(policy, where.checkImages()), log);
        }
        if (Files.isRegularFile(dir.resolve("mimic-cxr-2.0.0-split.csv"))
                || Files.isRegularFile(dir.resolve("mimic-cxr-2.0.0-split.csv.gz"))) {
            if (where.reports() == null)
                throw new RevtafException("--reports DIR is needed for MIMIC-CXR-JPG (the report texts)");
            return MimicCxrJpg.load(dir, where.reports(), MimicCxrJpg.Views.FRONTAL, policy, log);
        }
        if (Files.isRegularFile(dir.resolve("indiana_reports.csv"))) return KaggleIu.load(dir, policy, log);
        throw new RevtafException(
                "--data " + dir + ": no annotation.json, MIMIC-CXR-JPG CSVs or indiana_reports.csv found");
    }
}
