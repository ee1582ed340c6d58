package org.revtaf.domain.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.LabelStatus;

/**
 * Builds an annotation from MIMIC-CXR-JPG's CSV files (read with Apache Commons CSV, plain or .gz):
 *
 * <ul>
 *   <li>{@code mimic-cxr-2.0.0-split.csv}: dicom_id, study_id, subject_id, split (train/validate/test);
 *   <li>{@code mimic-cxr-2.0.0-metadata.csv}: dicom_id, ..., ViewPosition (PA, AP, LATERAL, LL, ...);
 *   <li>{@code mimic-cxr-2.0.0-chexpert.csv}: subject_id, study_id and the 14 CheXpert columns, cells
 *       1.0 / 0.0 / -1.0 / empty;
 *   <li>the free-text reports of MIMIC-CXR ({@code files/pXX/pSUBJECT/sSTUDY.txt}, from
 *       mimic-cxr-reports.zip), whose FINDINGS section becomes the report, as in R2Gen.
 * </ul>
 *
 * One entry per study: id = the first selected dicom_id (R2Gen's ids are dicom ids), extras
 * study_id and subject_id, image_path = the study's selected images {@code
 * files/pXX/pSUBJECT/sSTUDY/DICOM.jpg} (relative to the MIMIC-CXR-JPG root) sorted by dicom id,
 * labels = the 14 CheXpert statuses in PromptMRG's class order (codes 0 blank, 1 pos, 2 neg, 3 unc).
 * Studies without a FINDINGS section are left out and counted, as R2Gen's preprocessing does.
 */
public final class MimicCxrJpg {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    private static final Pattern FINDINGS = Pattern.compile("(?im)^\\s*FINDINGS\\s*:");
    private static final Pattern NEXT_HEADER = Pattern.compile("(?m)^\\s*[A-Z][A-Z /&()-]{2,}:");

    private MimicCxrJpg() {}

    /** Which images of a study to keep. */
    public enum Views {
        /** PA and AP (what report generation usually uses). */
        FRONTAL,
        /** every image. */
        ALL
    }

    /**
     * Reads the CSVs in {@code jpgRoot} (which also holds {@code files/}) and the reports under {@code
     * reportsRoot} (which holds {@code files/pXX/...txt}).
     */
    public static Dataset load(
            Path jpgRoot, Path reportsRoot, Views views, BadSamplePolicy policy, Consumer<String> log) {
        Path splitCsv = CsvFiles.find(jpgRoot, "mimic-cxr-2.0.0-split.csv", "mimic-cxr-2.0.0-split.csv.gz");
        Path metaCsv = CsvFiles.find(jpgRoot, "mimic-cxr-2.0.0-metadata.csv", "mimic-cxr-2.0.0-metadata.csv.gz");
        Path chexCsv = CsvFiles.find(jpgRoot, "mimic-cxr-2.0.0-chexpert.csv", "mimic-cxr-2.0.0-chexpert.csv.gz");
        BadSamples bad = new BadSamples(policy);

        Map<String, String> viewOf = new HashMap<>();
        CsvFiles.read(
                metaCsv,
                List.of("dicom_id", "ViewPosition"),
                r -> viewOf.put(r.get("dicom_id"), r.get("ViewPosition")));

        Map<String, int[]> labelsOf = new HashMap<>();
        List<String> cols = new ArrayList<>(List.of("subject_id", "study_id"));
        for (LabelClass c : LabelClass.CHEXPERT) cols.add(c.csvName());
        CsvFiles.read(chexCsv, cols, r -> {
            int[] l = new int[LabelClass.CHEXPERT.size()];
            for (LabelClass c : LabelClass.CHEXPERT) {
                l[c.ordinal()] =
                        cell(r.get(c.csvName()), chexCsv + ": line " + r.getRecordNumber() + ", column " + c.csvName());
            }
            labelsOf.put(r.get("study_id"), l);
        });

        // study -> (subject, split, dicoms); TreeMap keeps a stable study order
        record StudyRows(String subject, String split, List<String> dicoms) {}
        Map<String, StudyRows> studies = new TreeMap<>();
        CsvFiles.read(splitCsv, List.of("dicom_id", "study_id", "subject_id", "split"), r -> {
            String where = splitCsv + ": line " + (r.getRecordNumber() + 1);
            String split = Split.parse(r.get("split"), where).key();
            StudyRows s = studies.computeIfAbsent(
                    r.get("study_id"), k -> new StudyRows(r.get("subject_id"), split, new ArrayList<>()));
            s.dicoms().add(r.get("dicom_id"));
        });

        Set<String> frontal = Set.of("PA", "AP");
        Map<Split, List<Study>> out = new EnumMap<>(Split.class);
        for (Split s : Split.ALL) out.put(s, new ArrayList<>());
        int noFindings = 0, noImages = 0;
        for (Map.Entry<String, StudyRows> e : studies.entrySet()) {
            String study = e.getKey();
            StudyRows rows = e.getValue();
            String where = splitCsv + ": study s" + study + " (subject " + rows.subject() + ")";
            if (!DIGITS.matcher(study).matches()
                    || !DIGITS.matcher(rows.subject()).matches()) {
                // the ids become a report path: anything but digits could leave the reports folder
                bad.report(where + ": subject_id and study_id must be digits");
                continue;
            }
            List<String> dicoms = new ArrayList<>(rows.dicoms());
            dicoms.sort(null);
            if (views == Views.FRONTAL) dicoms.removeIf(d -> !frontal.contains(viewOf.getOrDefault(d, "")));
            if (dicoms.isEmpty()) {
                noImages++;
                continue;
            }
            String dir = "files/p"
                    + rows.subject().substring(0, Math.min(2, rows.subject().length())) + "/p" + rows.subject() + "/s"
                    + study;
            Path reportFile = reportsRoot.resolve(dir + ".txt");
            String text;
            try {
                text = Files.readString(reportFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException ex) {
                bad.report(where + ": report not found: " + reportFile);
                continue;
            } catch (IOException ex) {
                bad.report(where + ": cannot read report " + reportFile + ": " + ex.getMessage());
                continue;
            }
            String findings = findingsSection(text);
            if (findings == null || findings.isBlank()) {
                noFindings++;
                continue;
            }
            List<String> images = new ArrayList<>();
            for (String d : dicoms) images.add(dir + "/" + d + ".jpg");
            int[] labels = labelsOf.get(study);
            if (labels == null) {
                bad.report(where + ": no row in " + chexCsv);
                continue;
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("study_id", Long.parseLong(study));
            extra.put("subject_id", Long.parseLong(rows.subject()));
            out.get(Split.parse(rows.split(), where))
                    .add(new Study(dicoms.get(0), rows.split(), findings, images, labels, extra));
        }
        if (noFindings + noImages > 0)
            log.accept("MIMIC-CXR: left out " + noFindings + " studies without a FINDINGS section and " + noImages
                    + " without a selected view");
        bad.log("MIMIC-CXR", log);
        return Dataset.of(jpgRoot, jpgRoot, out, bad);
    }

    /** CheXpert CSV cell to a status code: 1.0 positive, 0.0 negative, -1.0 uncertain, empty blank. */
    static int cell(String v, String where) {
        return switch (v.strip()) {
            case "" -> LabelStatus.BLANK.code();
            case "1.0", "1" -> LabelStatus.POSITIVE.code();
            case "0.0", "0" -> LabelStatus.NEGATIVE.code();
            case "-1.0", "-1" -> LabelStatus.UNCERTAIN.code();
            default -> throw new RevtafException(where + ": expected 1.0, 0.0, -1.0 or empty, found '" + v + "'");
        };
    }

    /** The FINDINGS section of a MIMIC-CXR report, whitespace collapsed; null when there is none. */
    static String findingsSection(String report) {
        Matcher m = FINDINGS.matcher(report);
        if (!m.find()) return null;
        String rest = report.substring(m.end());
        Matcher h = NEXT_HEADER.matcher(rest);
        if (h.find()) rest = rest.substring(0, h.start());
        return rest.strip().replaceAll("\\s+", " ");
    }
}
