package org.revtaf.edges.pipeline.pretrain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.engine.tensor.Device;
import org.revtaf.learning.model.foundation.Foundation;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;

/**
 * {@code RUN/foundation.safetensors}, the product of {@code pretrain}: a {@link Checkpoint} file
 * (no optimizer state) whose model tensors are {@link Foundation#stateDict()}, whose config is the
 * run's resolved YAML, and whose states name the kind ({@code kind: foundation}), the dataset it was
 * trained on ({@code dataset_hash}) and carry the WordPiece vocabulary ({@code vocab}).
 */
public final class FoundationCheckpoint {
    public static final String KIND_KEY = "kind", KIND = "foundation", DATASET = "dataset_hash", VOCAB = "vocab";

    private FoundationCheckpoint() {}

    /** Writes the file atomically. */
    public static void save(
            Path file, Foundation f, String configYaml, String datasetHash, long step, Map<String, String> extra) {
        Map<String, String> state = new LinkedHashMap<>(extra);
        state.put(KIND_KEY, KIND);
        state.put(DATASET, datasetHash);
        state.put(VOCAB, f.text().tokenizer().toVocabText());
        new Checkpoint(step, f.stateDict(), Map.of(), Map.of(), state, configYaml).save(file);
    }

    /**
     * A loaded foundation checkpoint.
     *
     * @param file where it was read
     * @param hash {@link Hashes#file} of it
     * @param config its resolved config
     * @param datasetHash the dataset it was trained on
     * @param foundation the model, books set, in eval mode
     * @param state its scalar states (e.g. validation figures)
     */
    public record Loaded(
            Path file,
            String hash,
            RunConfig config,
            String datasetHash,
            Foundation foundation,
            Map<String, String> state) {}

    /**
     * Reads a foundation checkpoint onto {@code device}. A missing, truncated or foreign file is an
     * error naming it.
     */
    public static Loaded load(Path file, Device device, int batchSize) {
        Checkpoint c = Checkpoint.load(file);
        String kind = c.state().get(KIND_KEY);
        if (!KIND.equals(kind))
            throw new RevtafException(file + ": not a foundation checkpoint (kind "
                    + (kind == null ? "missing" : "'" + kind + "'") + "); give RUN/foundation.safetensors of a"
                    + " pretrain run");
        for (String k : List.of(DATASET, VOCAB))
            if (!c.state().containsKey(k))
                throw new RevtafException(file + ": foundation checkpoint without '" + k + "'");
        RunConfig cfg = ConfigLoader.parse(c.config(), file + " (embedded config)", RunConfig.class, null, List.of());
        String where = file + " (embedded config)";
        FoundationConfig fc = RunConfig.require(cfg.foundation(), Path.of(where), "a foundation model", "foundation");
        TextConfig tc = RunConfig.require(cfg.text(), Path.of(where), "a foundation model", "text");
        WordPieceTokenizer tok;
        try {
            tok = WordPieceTokenizer.fromVocabText(c.state().get(VOCAB));
        } catch (RevtafException e) {
            throw new RevtafException(file + ": the stored vocabulary is unusable: " + e.getMessage());
        }
        Foundation f = Foundation.create(NnContext.of(device, cfg.seed()), fc, tc, tok);
        f.loadStateDict(c.model(), file.toString());
        f.text().bert().freeze(true);
        f.image().eval();
        f.updateBooks(batchSize);
        return new Loaded(file, Hashes.file(file), cfg, c.state().get(DATASET), f, c.state());
    }
}
