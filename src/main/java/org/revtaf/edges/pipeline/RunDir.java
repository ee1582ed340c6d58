package org.revtaf.edges.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.io.TextFiles;

/**
 * The output folder of a training stage ({@code pretrain}, {@code train}): {@code RUN/run.json}
 * names the kind of run, {@code RUN/config.yaml} holds the resolved config, {@code RUN/log.txt} a
 * copy of the progress and log lines. A new run needs an absent or empty folder; a non-empty folder
 * is refused unless it is a run of the same kind and the stage resumes it with the same resolved
 * config. The stage's own files (metrics, checkpoints) are its business. {@code resumed}: whether
 * this invocation continues an existing run.
 */
public record RunDir(Path dir, String kind, boolean resumed) {
    public static final String MARKER = "run.json", CONFIG = "config.yaml", LOG = "log.txt";
    private static final String FORMAT = "revtaf-run";

    /**
     * Opens {@code dir} as a run of {@code kind}.
     *
     * @param option the option naming the folder in messages ({@code --out})
     * @param resume continue an existing run (an error when there is none, or when its config differs)
     * @param configYaml the resolved config of this invocation
     * @param log gets a copy of its lines in {@code RUN/log.txt} from now on
     */
    public static RunDir open(Path dir, String option, String kind, boolean resume, String configYaml, Log log) {
        String name = option + " " + dir;
        boolean existing = Files.exists(dir);
        if (existing && !Files.isDirectory(dir)) throw new RevtafException(name + ": exists and is not a folder");
        boolean empty = !existing || isEmpty(dir, name);
        RunDir run;
        if (empty) {
            if (resume) throw new RevtafException(name + ": nothing to resume (no " + kind + " run there)");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new RevtafException(name + ": cannot create the folder: " + e.getMessage(), e);
            }
            ObjectNode m = new ObjectMapper().createObjectNode();
            m.put("format", FORMAT);
            m.put("kind", kind);
            AtomicFile.writeString(dir.resolve(MARKER), m.toPrettyString() + "\n");
            AtomicFile.writeString(dir.resolve(CONFIG), configYaml);
            run = new RunDir(dir, kind, false);
        } else {
            String found = kindOf(dir);
            if (found == null)
                throw new RevtafException(name + ": folder is not empty and is not a revtaf run (no " + MARKER
                        + "); choose another " + option);
            if (!found.equals(kind))
                throw new RevtafException(
                        name + ": holds a " + found + " run, not a " + kind + " run; choose another " + option);
            if (!resume)
                throw new RevtafException(name + ": already holds a " + kind + " run; use --resume to continue it or"
                        + " choose another " + option);
            checkSameConfig(dir.resolve(CONFIG), configYaml);
            run = new RunDir(dir, kind, true);
        }
        log.copyTo(dir.resolve(LOG));
        return run;
    }

    /** The kind named by {@code dir/run.json}, or null when there is no readable marker. */
    public static String kindOf(Path dir) {
        Path m = dir.resolve(MARKER);
        if (!Files.isRegularFile(m)) return null;
        try {
            JsonNode n = new ObjectMapper().readTree(TextFiles.readUtf8(m, "run marker"));
            if (n == null || !FORMAT.equals(n.path("format").asText())) return null;
            String k = n.path("kind").asText("");
            return k.isEmpty() ? null : k;
        } catch (IOException | RevtafException e) {
            return null;
        }
    }

    private static void checkSameConfig(Path file, String yaml) {
        if (!Files.isRegularFile(file))
            throw new RevtafException(file + ": missing; cannot check that --resume uses the run's config");
        String old = TextFiles.readUtf8(file, "run config");
        if (old.equals(yaml)) return;
        String[] a = old.split("\n", -1), b = yaml.split("\n", -1);
        int i = 0;
        while (i < a.length && i < b.length && a[i].equals(b[i])) i++;
        throw new RevtafException(file + ":" + (i + 1) + ": the run was made with '"
                + (i < a.length ? a[i].strip() : "(end)") + "' but this config says '"
                + (i < b.length ? b[i].strip() : "(end)") + "'; resume with the run's config (--config " + file
                + ")");
    }

    /** Whether the folder {@code dir} has no entry ({@code name} names it in errors). */
    public static boolean isEmpty(Path dir, String name) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw new RevtafException(name + ": cannot list the folder: " + e.getMessage(), e);
        }
    }

    /** A file of the run. */
    public Path file(String name) {
        return dir.resolve(name);
    }
}
