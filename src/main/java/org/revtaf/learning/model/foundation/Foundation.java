package org.revtaf.learning.model.foundation;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.domain.text.WordPieceTrainer;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;

/**
 * The whole foundation model: the text encoder and the image side, whose entity and position books
 * are the text encoder's embeddings of {@link EntityTexts}. Saved as one weight set with the
 * prefixes {@code text_encoder.} and {@code image.} ({@link FoundationCheckpoint}).
 */
public final class Foundation {
    public static final String TEXT = "text_encoder.", IMAGE = "image.";

    private final TextEncoder text;
    private final FoundationModel image;
    private final FoundationConfig.Books books;

    /** @param books what is done to the books ({@code foundation.decoder.standardize_books / whiten_books}) */
    public Foundation(TextEncoder text, FoundationModel image, FoundationConfig.Books books) {
        this.text = text;
        this.image = image;
        this.books = books;
    }

    /** A freshly initialised foundation model (seeded by {@code ctx}) over {@code tokenizer}. */
    public static Foundation create(NnContext ctx, FoundationConfig c, TextConfig t, WordPieceTokenizer tokenizer) {
        TextEncoder te = TextEncoder.create(ctx, c.textEncoder(), t, tokenizer);
        return new Foundation(
                te, new FoundationModel(ctx, c, te.width()), c.decoder().books());
    }

    /**
     * The WordPiece vocabulary of a run: {@code text.vocab} when given, else trained from the
     * training reports; the project's special tokens ([DEC], [BLA], ...) are always present.
     */
    public static WordPieceTokenizer vocabulary(TextConfig t, List<String> trainingReports) {
        if (t.vocab().isPresent()) {
            Path p = t.vocab().get();
            return WordPieceTokenizer.load(p).withSpecialTokens();
        }
        if (trainingReports.isEmpty())
            throw new RevtafException("no training reports to train a WordPiece vocabulary from (give text.vocab)");
        return WordPieceTrainer.train(trainingReports, t.vocabSize(), t.minFrequency())
                .withSpecialTokens();
    }

    public TextEncoder text() {
        return text;
    }

    public FoundationModel image() {
        return image;
    }

    /**
     * Embeds the entity descriptions and position phrases with the (frozen) text encoder, standardises
     * or whitens them when the config says so, and sets them as the image side's books.
     */
    public void updateBooks(int batchSize) {
        var dev = image.classifier.weight.device();
        int d = text.width();
        float[] ents = text.embed(EntityTexts.ENTITIES, batchSize);
        float[] poss = text.embed(EntityTexts.POSITIONS, batchSize);
        BookTransforms.apply(books, ents, FoundationModel.ENTITIES, d);
        BookTransforms.apply(books, poss, FoundationModel.POSITIONS, d);
        image.setBooks(
                Tensor.of(dev, ents, FoundationModel.ENTITIES, d), Tensor.of(dev, poss, FoundationModel.POSITIONS, d));
    }

    /** What the image side predicts for a batch: P(present) (B x 75) and the top position per entity (B x 75). */
    public record Prediction(float[] presence, int[] topPosition) {}

    /** Predictions for images (B, 3, H, W), without gradients, in eval mode. */
    public Prediction predict(Tensor images) {
        boolean was = image.isTraining();
        image.eval();
        try (var ng = GradMode.noGrad();
                Scope s = Scope.open()) {
            FoundationModel.Output o = image.forward(images);
            float[] p = FoundationModel.presence(o.logits()).toFloats();
            long[] top = F.argmax(o.positionScores(), 2, false).toLongs();
            int[] t = new int[top.length];
            for (int i = 0; i < t.length; i++) t[i] = (int) top[i];
            return new Prediction(p, t);
        } finally {
            image.train(was);
        }
    }

    /** All weights, prefixed ({@code text_encoder.*}, {@code image.*}). */
    public Map<String, NdArray> stateDict() {
        Map<String, NdArray> out = new LinkedHashMap<>();
        text.bert().stateDict().forEach((k, v) -> out.put(TEXT + k, v));
        image.stateDict().forEach((k, v) -> out.put(IMAGE + k, v));
        return out;
    }

    /** Loads {@link #stateDict()} output (strict: every tensor, exact shapes); {@code what} names the source. */
    public void loadStateDict(Map<String, NdArray> state, String what) {
        Map<String, NdArray> t = new LinkedHashMap<>(), i = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : state.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(TEXT)) t.put(k.substring(TEXT.length()), e.getValue());
            else if (k.startsWith(IMAGE)) i.put(k.substring(IMAGE.length()), e.getValue());
            else
                throw new RevtafException(
                        what + ": unexpected weight '" + k + "' (names start with " + TEXT + " or " + IMAGE + ")");
        }
        text.bert().loadStateDict(t, what + " (text encoder)");
        image.loadStateDict(i, what + " (image side)");
    }
}
