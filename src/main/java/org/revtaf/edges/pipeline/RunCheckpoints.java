package org.revtaf.edges.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.learning.nn.Checkpoint;

/**
 * The resume points of a run ({@code pretrain}, {@code train}): {@code RUN/checkpoints/step-N.safetensors}
 * and {@code RUN/last.safetensors}, a copy of the newest, which {@code --resume} continues from.
 * Saving writes the step file, then the copy (each atomically), then deletes step files beyond the
 * newest {@code keep}; so a process killed at any moment leaves at least one complete resume point
 * once the first one was written.
 *
 * <p>{@link #resumePoint} reads {@code last.safetensors}; when it is damaged (truncated, a flipped
 * bit: the safetensors checksum, {@link Checkpoint#load}) it is moved aside to {@code
 * NAME.damaged} (never overwritten or deleted) and the newest intact step file is used instead, with
 * a log line naming both files.
 */
public final class RunCheckpoints {
    public static final String LAST = "last.safetensors", DIR = "checkpoints";
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d+)\\.safetensors");

    private final Path run;
    private final int keep;

    /**
     * @param run the run folder
     * @param keep step files to keep (the newest); 0 keeps all
     */
    public RunCheckpoints(Path run, int keep) {
        if (keep < 0) throw new IllegalArgumentException("keep must be >= 0, got " + keep);
        this.run = run;
        this.keep = keep;
    }

    /** {@code RUN/last.safetensors}. */
    public Path last() {
        return run.resolve(LAST);
    }

    /** {@code RUN/checkpoints/step-N.safetensors}. */
    public Path stepFile(long step) {
        return run.resolve(DIR).resolve("step-" + step + ".safetensors");
    }

    /** A checkpoint that was read, and the file it came from. */
    public record Found(Path file, Checkpoint checkpoint) {}

    /** Writes {@code c} as the step file of its step and as {@code last.safetensors}, then prunes. */
    public void save(Checkpoint c) {
        Path stepFile = stepFile(c.step());
        c.save(stepFile);
        AtomicFile.writeStream(last(), out -> Files.copy(stepFile, out));
        prune();
    }

    /**
     * The checkpoint to resume from: {@code last.safetensors}, or when that is missing or damaged the
     * newest intact step file (damaged files are moved aside and named in {@code log}). Empty when the
     * run has no checkpoint at all; an error naming every file when all of them are damaged.
     */
    public Optional<Found> resumePoint(Log log) {
        List<Path> candidates = new ArrayList<>();
        if (Files.exists(last())) candidates.add(last());
        candidates.addAll(stepFiles().stream().map(this::stepFile).toList());
        List<String> damaged = new ArrayList<>();
        for (Path f : candidates) {
            Checkpoint c;
            try {
                c = Checkpoint.load(f);
            } catch (RevtafException e) {
                Path aside = moveAside(f);
                damaged.add(e.getMessage() + " (kept as " + aside + ")");
                log.line("resume: " + f + " is damaged: " + e.getMessage() + "; moved it to " + aside);
                continue;
            }
            if (!damaged.isEmpty())
                log.line("resume: using " + f + " (step " + c.step() + ") instead of the damaged " + candidates.get(0));
            return Optional.of(new Found(f, c));
        }
        if (damaged.isEmpty()) return Optional.empty();
        throw new RevtafException(run + ": every checkpoint of the run is damaged, nothing to resume from: "
                + String.join("; ", damaged));
    }

    /** Steps of the step files present, newest first. */
    public List<Long> stepFiles() {
        Path dir = run.resolve(DIR);
        List<Long> steps = new ArrayList<>();
        if (!Files.isDirectory(dir)) return steps;
        try (var s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = STEP_FILE.matcher(p.getFileName().toString());
                if (m.matches()) steps.add(Long.parseLong(m.group(1)));
            });
        } catch (IOException e) {
            throw new RevtafException(dir + ": cannot list the checkpoints: " + e.getMessage(), e);
        }
        steps.sort(Comparator.reverseOrder());
        return steps;
    }

    private void prune() {
        if (keep == 0) return;
        List<Long> steps = stepFiles();
        try {
            for (int i = keep; i < steps.size(); i++) Files.deleteIfExists(stepFile(steps.get(i)));
        } catch (IOException e) {
            throw new RevtafException(run.resolve(DIR) + ": cannot remove old checkpoints: " + e.getMessage(), e);
        }
    }

    /** Renames a damaged file to NAME.damaged (NAME.damaged-2, ... when taken); returns the new path. */
    private static Path moveAside(Path f) {
        Path to = f.resolveSibling(f.getFileName() + ".damaged");
        for (int i = 2; Files.exists(to); i++) to = f.resolveSibling(f.getFileName() + ".damaged-" + i);
        try {
            return Files.move(f, to);
        } catch (IOException e) {
            throw new RevtafException(
                    f + ": damaged, and it cannot be moved aside to " + to + ": " + e.getMessage(), e);
        }
    }
}
