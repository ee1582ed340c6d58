package org.revtaf.domain.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.revtaf.RevtafException;

/**
 * Builds an annotation from the Kaggle release of IU X-Ray ("Chest X-rays (Indiana University)"):
 * {@code indiana_reports.csv} (uid, MeSH, Problems, image, indication, comparison, findings,
 * impression), {@code indiana_projections.csv} (uid, filename, projection: Frontal / Lateral) and the
 * PNGs in {@code images/images_normalized/}.
 *
 * <p>One entry per uid: id {@code CXR<uid>_IM-xxxx} (R2Gen's IU id style, from the first file name),
 * report = the findings text, images frontal first then lateral (R2Gen's two-view IU input), relative
 * to {@code images/}. Reports without findings are left out and counted, as R2Gen's IU annotation
 * has none. The release has no split, so one is drawn from the uid (R2Gen's 7:1:2 train:val:test),
 * the same on every machine. No labels: run a labeler over the reports when they are needed.
 */
public final class KaggleIu {
    private KaggleIu() {}

    public static Dataset load(Path root, BadSamplePolicy policy, Consumer<String> log) {
        Path reports = CsvFiles.find(root, "indiana_reports.csv");
        Path projections = CsvFiles.find(root, "indiana_projections.csv");
        Path imageRoot = root.resolve("images");
        if (!Files.isDirectory(imageRoot)) throw new RevtafException(root + ": no images/ folder");
        BadSamples bad = new BadSamples(policy);

        Map<String, List<String[]>> files = new LinkedHashMap<>(); // uid -> [filename, projection]
        CsvFiles.read(
                projections,
                List.of("uid", "filename", "projection"),
                r -> files.computeIfAbsent(r.get("uid"), k -> new ArrayList<>())
                        .add(new String[] {r.get("filename"), r.get("projection")}));

        Map<Split, List<Study>> out = new EnumMap<>(Split.class);
        for (Split s : Split.ALL) out.put(s, new ArrayList<>());
        Map<Long, Study> byUid = new TreeMap<>();
        int[] noFindings = {0};
        CsvFiles.read(reports, List.of("uid", "findings", "impression"), r -> {
            String uid = r.get("uid").strip();
            String where = reports + ": line " + (r.getRecordNumber() + 1) + " (uid " + uid + ")";
            long key;
            try {
                key = Long.parseLong(uid);
            } catch (NumberFormatException e) {
                bad.report(where + ": uid must be an integer");
                return;
            }
            String findings = r.get("findings").strip().replaceAll("\\s+", " ");
            if (findings.isEmpty()) {
                noFindings[0]++;
                return;
            }
            List<String[]> imgs = files.get(uid);
            if (imgs == null || imgs.isEmpty()) {
                bad.report(where + ": no image in " + projections);
                return;
            }
            List<String> frontal = new ArrayList<>(), lateral = new ArrayList<>();
            for (String[] f : imgs)
                (f[1].equalsIgnoreCase("Frontal") ? frontal : lateral).add("images_normalized/" + f[0]);
            List<String> paths = new ArrayList<>(frontal);
            paths.addAll(lateral);
            try {
                for (String p : paths) {
                    Path abs = Dataset.resolveImage(imageRoot, p, where);
                    if (!Files.isRegularFile(abs)) throw new RevtafException(where + ": image not found: " + abs);
                }
            } catch (RevtafException e) {
                bad.report(e.getMessage());
                return;
            }
            String split = split(key).key();
            byUid.put(key, new Study(id(uid, imgs.get(0)[0]), split, findings, paths, null));
        });
        for (Study s : byUid.values()) out.get(Split.parse(s.split(), "IU")).add(s);
        if (noFindings[0] > 0) log.accept("IU X-Ray: left out " + noFindings[0] + " reports without findings");
        bad.log("IU X-Ray", log);
        return Dataset.of(root, imageRoot, out, bad);
    }

    /** "1_IM-0001-4001.dcm.png" with uid 1 -> "CXR1_IM-0001". */
    static String id(String uid, String filename) {
        String rest = filename.startsWith(uid + "_") ? filename.substring(uid.length() + 1) : filename;
        int dash = rest.indexOf('-', rest.indexOf('-') + 1);
        String im = dash > 0 ? rest.substring(0, dash) : rest.replaceAll("\\..*$", "");
        return "CXR" + uid + "_" + im;
    }

    /** 70 % train, 10 % val, 20 % test, from the uid alone. */
    static Split split(long uid) {
        double u = new SplitMix64(SplitMix64.derive(0x1A, uid)).nextDouble();
        return u < 0.7 ? Split.TRAIN : u < 0.8 ? Split.VAL : Split.TEST;
    }
}
