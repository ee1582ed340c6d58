package org.revtaf.edges.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.model.foundation.Foundation;
import org.revtaf.learning.model.revtaf.RevtafConfig;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.nn.MappingReport;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.WeightImport;
import org.revtaf.learning.nn.WeightMapping;

/**
 * Starts a model from converted PyTorch weights named by the config ({@code foundation.init},
 * {@code foundation.text_encoder.init}, {@code foundation.image_encoder.init},
 * {@code model.image_encoder.init}, {@code model.decoder.init}; README "Importing PyTorch weights").
 * Each file goes through its {@link WeightMapping} table into one part of the model; the part's
 * tensors are replaced only when the import is clean (every tensor of the part loaded, every file
 * tensor used or ignored by a rule, shapes equal), except for named groups that a source may lack
 * as a whole and that then keep their initialisation (BERT's cross-attention in a decoder started
 * from bert-base-uncased, as PromptMRG does). A relative path is relative to the config file's folder.
 */
public final class WeightInit {
    private WeightInit() {}

    /** One import: the config key, the file (resolved), its mapping report and notes. */
    public record Import(String key, Path file, String hash, MappingReport report, List<String> notes) {}

    /** The imports of a run, printed to its log once the run folder is open ({@link #log}). */
    public record Imported(List<Import> imports) {
        public static final Imported NONE = new Imported(List.of());

        public Imported {
            imports = List.copyOf(imports);
        }

        /** Prints every import's mapping report. */
        public void log(Log log) {
            for (Import i : imports) {
                log.line("weights: " + i.key() + " = " + i.file() + " (" + i.hash() + ")");
                for (String n : i.notes()) log.line("  " + n);
                log.line(i.report().toString());
            }
        }
    }

    /** A part of the source the target may lack as a whole: it then keeps its initialisation. */
    private record MayLack(Pattern targets, String reason) {}

    // ---- foundation (pretrain) -------------------------------------------------------------------

    /**
     * Checks that every file the foundation section names exists (before a run folder is made), and
     * that {@code init} and {@code image_encoder.init} are not both given.
     */
    public static void requireFoundationFiles(RunConfig cfg, Path configFile) {
        FoundationConfig fc = cfg.foundation().orElse(null);
        if (fc == null) return;
        resolve(configFile, "foundation.text_encoder.init", fc.textEncoder().init());
        resolve(configFile, "foundation.image_encoder.init", fc.imageEncoder().init());
        resolve(configFile, "foundation.init", fc.init());
        if (fc.init().isPresent() && fc.imageEncoder().init().isPresent())
            throw new RevtafException(configFile + ": foundation.init (a MedKLIP checkpoint) already holds the image"
                    + " backbone (res_features); give it or foundation.image_encoder.init, not both");
    }

    /**
     * Loads the foundation section's checkpoints into a freshly built foundation model: the text
     * encoder from a Hugging Face BERT, the backbone from torchvision ImageNet weights, the image side
     * from MedKLIP (in that order).
     */
    public static Imported foundation(Foundation model, RunConfig cfg, Path configFile) {
        requireFoundationFiles(cfg, configFile);
        FoundationConfig fc = cfg.foundation().orElseThrow();
        List<Import> out = new ArrayList<>();
        Optional<Path> text = resolve(
                configFile, "foundation.text_encoder.init", fc.textEncoder().init());
        if (text.isPresent()) {
            String key = "foundation.text_encoder.init";
            Import i = load(
                    configFile,
                    key,
                    text.get(),
                    model.text().bert(),
                    WeightMapping.bert(false, true, "")
                            .ignoring(
                                    "pooler\\.dense\\.(weight|bias)", "the text encoder has no pooler (text.pooling)"),
                    null,
                    List.of(new MayLack(
                            Pattern.compile("lm_head\\..+"),
                            "the file has no masked-LM head (cls.predictions): lm_head keeps its initialisation")));
            out.add(withVocabulary(i, configFile, cfg.text(), model.text().tokenizer()));
        }
        Optional<Path> backbone = resolve(
                configFile, "foundation.image_encoder.init", fc.imageEncoder().init());
        if (backbone.isPresent())
            out.add(load(
                    configFile,
                    "foundation.image_encoder.init",
                    backbone.get(),
                    model.image().backbone,
                    WeightMapping.torchvisionResNet("", false, 3),
                    null,
                    List.of()));
        Optional<Path> medklip = resolve(configFile, "foundation.init", fc.init());
        if (medklip.isPresent())
            out.add(load(
                    configFile,
                    "foundation.init",
                    medklip.get(),
                    model.image(),
                    WeightMapping.medklip(),
                    null,
                    List.of(new MayLack(
                            Pattern.compile("pooled_head\\..+"),
                            "MedKLIP has no pooled existence head (foundation.decoder.pooled_head): it keeps its"
                                    + " initialisation"))));
        return new Imported(out);
    }

    // ---- REVTAF (train) --------------------------------------------------------------------------

    /**
     * Loads the model section's checkpoints into a freshly built REVTAF model: the visual ResNet from
     * torchvision ImageNet weights, the report decoder from bert-base-uncased (cross-attention kept at
     * its initialisation) or from a BLIP checkpoint ({@code text_decoder.*}).
     *
     * @param tokenizer the cache's tokenizer (the decoder's vocabulary)
     */
    public static Imported revtaf(RevtafModel model, RunConfig cfg, WordPieceTokenizer tokenizer, Path configFile) {
        RevtafConfig mc = cfg.model().orElseThrow();
        Optional<Path> resnet = resolve(
                configFile, "model.image_encoder.init", mc.imageEncoder().init());
        Optional<Path> decoder =
                resolve(configFile, "model.decoder.init", mc.decoder().init());
        List<Import> out = new ArrayList<>();
        if (resnet.isPresent())
            out.add(load(
                    configFile,
                    "model.image_encoder.init",
                    resnet.get(),
                    model.imageEncoder.resnet,
                    WeightMapping.torchvisionResNet("", false, mc.imageEncoder().lastStage()),
                    null,
                    List.of()));
        if (decoder.isPresent()) {
            String key = "model.decoder.init", blip = "text_decoder.";
            boolean isBlip;
            try (Safetensors st = Safetensors.open(decoder.get())) {
                isBlip = st.names().stream().anyMatch(n -> n.startsWith(blip) || n.startsWith("module." + blip));
            }
            Import i = load(
                    configFile,
                    key,
                    decoder.get(),
                    model.decoder,
                    WeightMapping.bert(true, true, isBlip ? blip : ""),
                    isBlip ? blip : null,
                    List.of(new MayLack(
                            Pattern.compile("layers\\.\\d+\\.(multihead_attn|norm2)\\..+"),
                            "the file has no cross-attention (bert-base-uncased): it keeps its initialisation, as"
                                    + " PromptMRG's BertLMHeadModel.from_pretrained")));
            out.add(withVocabulary(i, configFile, cfg.text(), tokenizer));
        }
        return new Imported(out);
    }

    // ---- the import ------------------------------------------------------------------------------

    /**
     * The file of a config key: a relative path is taken relative to the config file's folder; a
     * missing file is an error naming the key.
     */
    public static Optional<Path> resolve(Path configFile, String key, Optional<Path> value) {
        if (value.isEmpty()) return value;
        Path p = value.get();
        if (!p.isAbsolute()) {
            Path folder = configFile.toAbsolutePath().getParent();
            p = folder == null ? p.toAbsolutePath() : folder.resolve(p);
        }
        p = p.normalize();
        if (!Files.isRegularFile(p))
            throw new RevtafException(configFile + ": " + key + ": " + p + ": no such file (a converted safetensors"
                    + " checkpoint; a relative path is relative to the config file's folder)");
        return Optional.of(p);
    }

    /**
     * Maps {@code file} onto {@code target} and copies it in when the report is clean (the optional
     * groups aside); otherwise an error naming the key, the file and the first offending tensors.
     *
     * @param only when not null, only the file's tensors under this prefix ({@code module.} allowed
     *     before it) are the source; the others are counted in a note
     */
    private static Import load(
            Path configFile,
            String key,
            Path file,
            Module target,
            WeightMapping mapping,
            String only,
            List<MayLack> optional) {
        List<String> notes = new ArrayList<>();
        try (Safetensors st = Safetensors.open(file)) {
            Map<String, NdArray> src = new LinkedHashMap<>();
            int skipped = 0;
            for (String n : st.names()) {
                if (only == null || n.startsWith(only) || n.startsWith("module." + only)) src.put(n, st.get(n));
                else skipped++;
            }
            if (skipped > 0) notes.add(skipped + " tensors outside " + only + " skipped (the rest of the checkpoint)");
            WeightImport.Result r =
                    WeightImport.map(src, target.stateShapes(), mapping, mapping.name() + " from " + file);
            MappingReport rep = r.report();
            List<String> missing = new ArrayList<>(rep.missing()); // less those reported as mismatched
            rep.mismatched().forEach(m -> missing.remove(m.target()));
            for (MayLack o : optional) {
                List<String> absent = missing.stream()
                        .filter(t -> o.targets().matcher(t).matches())
                        .toList();
                boolean anyLoaded = rep.loaded().stream()
                        .anyMatch(t -> o.targets().matcher(t).matches());
                if (!absent.isEmpty() && !anyLoaded) {
                    notes.add(absent.size() + " tensors kept at initialisation: " + o.reason());
                    missing.removeAll(absent);
                }
            }
            if (!missing.isEmpty()
                    || !rep.unexpected().isEmpty()
                    || !rep.mismatched().isEmpty())
                throw new RevtafException(configFile + ": " + key + ": " + file + " does not fit the model ("
                        + mapping.name() + "): " + offending("missing (in the model, not in the file)", missing)
                        + offending("unexpected (in the file, not used)", rep.unexpected())
                        + offending("shape-mismatched", rep.mismatched())
                        + rep.loaded().size() + " would load");
            target.apply(r);
            return new Import(key, file, Hashes.file(file), rep, notes);
        }
    }

    private static String offending(String what, List<?> items) {
        if (items.isEmpty()) return "";
        StringBuilder b = new StringBuilder()
                .append(items.size())
                .append(' ')
                .append(what)
                .append(", first ");
        for (int i = 0; i < Math.min(3, items.size()); i++)
            b.append(i == 0 ? "" : "; ").append(items.get(i));
        return b.append("; ").toString();
    }

    /**
     * A BERT checkpoint's word embeddings are rows of its own vocabulary: {@code text.vocab} must be
     * that vocab.txt (its tokens the leading tokens of the model's tokenizer), or the rows land on
     * other words.
     */
    private static Import withVocabulary(
            Import i, Path configFile, Optional<TextConfig> text, WordPieceTokenizer tokenizer) {
        String rowsOf = "embeddings.word_embeddings.weight";
        long rows = i.report().resized().stream()
                .filter(m -> m.target().equals(rowsOf))
                .mapToLong(m -> m.fileShape()[0])
                .findFirst()
                .orElse(tokenizer.size());
        Optional<Path> vocab = text.flatMap(TextConfig::vocab);
        if (vocab.isEmpty())
            throw new RevtafException(configFile + ": " + i.key() + " needs text.vocab: the checkpoint's vocab.txt"
                    + " (its word embeddings are " + rows + " rows of that vocabulary, not of one trained from the"
                    + " reports)");
        List<String> base = WordPieceTokenizer.load(vocab.get()).vocab();
        if (rows < base.size())
            throw new RevtafException(configFile + ": " + i.key() + ": " + i.file() + " has " + rows
                    + " word embeddings but text.vocab " + vocab.get() + " has " + base.size()
                    + " tokens; text.vocab must be the checkpoint's own vocab.txt");
        if (tokenizer.size() < base.size()
                || !tokenizer.vocab().subList(0, base.size()).equals(base))
            throw new RevtafException(configFile + ": " + i.key() + ": the model's vocabulary does not start with the"
                    + " tokens of text.vocab " + vocab.get() + " (a feature cache made with another text.vocab?)");
        List<String> notes = new ArrayList<>(i.notes());
        notes.add("vocabulary: " + base.size() + " tokens of " + vocab.get() + ", " + rows + " rows in the file, "
                + tokenizer.size() + " in the model"
                + (rows > base.size()
                        ? " (rows past the vocab.txt are tokens the checkpoint added, e.g. BLIP's [DEC]"
                                + " [ENC]; they initialise the model's tokens at those ids)"
                        : "")
                + (tokenizer.size() > rows ? " (the project's added tokens keep their initialisation)" : ""));
        return new Import(i.key(), i.file(), i.hash(), i.report(), notes);
    }
}
