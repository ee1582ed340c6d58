package org.revtaf.learning.model.foundation;

import org.revtaf.RevtafException;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.ResNet;
import org.revtaf.learning.nn.Dropout;
import org.revtaf.learning.nn.LayerNorm;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.ModuleList;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.TransformerDecoderLayer;
import org.revtaf.learning.nn.TransformerLayerSpec;

/**
 * The image side of the MedKLIP-style foundation model (METHOD.md section 1.1; reference study
 * section 6), with MedKLIP's parameter names so converted MedKLIP checkpoints load through
 * {@code WeightMapping.medklip()}:
 *
 * <pre>
 * images (B, 3, H, W) -> backbone (ResNet to layer3) (B, C, H/16, W/16) -> tokens (B, P, C)
 *   -> res_l2(relu(res_l1(.)))                                   memory (B, P, d)
 * entity book (75, dt) -> disease_embedding_layer                queries (75, d) -> (B, 75, d)
 * decoder: 4 pre-norm layers (self-attention, cross-attention to the memory, FFN), decoder.norm
 *   -> dropout -> out (B, 75, d)
 * classifier(out)                        entity logits (B, 75, 2); P(present) = softmax[..., 1]
 *   optional (decoder.pooled_head, not MedKLIP): + pooled_head(mean of the tokens) (B, 75), added
 *   as -l/2 to the absent and +l/2 to the present logit
 * cl_fc(out) (B, 75, dt) . position book (51, dt)^T   position scores (B, 75, 51)
 * </pre>
 *
 * <p>Initialisation: N(0, 0.02) for every Linear as MedKLIP's {@code _init_weights}, except {@code
 * res_l1} (He, see the constructor).
 *
 * <p>The entity book (embeddings of the 75 entity descriptions) and the position book (of the 51
 * position phrases) come from the frozen text encoder ({@link #setBooks}); like MedKLIP's
 * {@code disease_book} and {@code ana_book} they are not parameters.
 */
public final class FoundationModel extends Module {
    public static final int ENTITIES = 75, POSITIONS = 51;

    public final ResNet backbone;
    public final Linear resL1, resL2, diseaseEmbedding, clFc, classifier;
    /** The per-entity existence head on the pooled layer3 map, or null (MedKLIP). */
    public final Linear pooledHead;

    public final Decoder decoder;
    private final Dropout dropoutFeatures;
    private final int textWidth;
    private Tensor entityBook, positionBook;

    /** The query decoder: {@code layers.N} and the final {@code norm}. */
    public static final class Decoder extends Module {
        public final ModuleList<TransformerDecoderLayer> layers;
        public final LayerNorm norm;

        Decoder(NnContext ctx, FoundationConfig.Decoder c) {
            layers = child("layers", new ModuleList<>());
            TransformerLayerSpec spec = TransformerLayerSpec.medklip(c.d(), c.heads(), c.ffn(), c.dropout());
            for (int i = 0; i < c.layers(); i++) layers.add(new TransformerDecoderLayer(ctx, spec));
            norm = child("norm", new LayerNorm(ctx, c.d(), spec.lnEps()));
        }

        /** queries (B, Q, d), memory (B, P, d) -> (B, Q, d). */
        Tensor forward(Tensor q, Tensor memory) {
            for (TransformerDecoderLayer l : layers.items()) q = l.forward(q, memory, null, null, null, null, null);
            return norm.forward(q);
        }
    }

    /**
     * @param c the foundation config (image encoder and decoder sizes)
     * @param textWidth dt, the text encoder's width
     */
    public FoundationModel(NnContext ctx, FoundationConfig c, int textWidth) {
        this.textWidth = textWidth;
        ResNet.Config rc =
                new ResNet.Config(c.imageEncoder().depth(), 3, c.imageEncoder().width(), 3, 0);
        backbone = child("backbone", new ResNet(ctx, rc));
        int ch = rc.channels(3), d = c.decoder().d();
        // res_l1 feeds a ReLU from the un-normalised layer3 map: He initialisation N(0, 2 / ch) rather than
        // MedKLIP's N(0, 0.02) (which at ch 1024 is already 0.64 / sqrt(ch)); at the tiny config's ch 64 and
        // lr 1e-3, N(0, 0.02) let a third of its units die in the first epochs (none ever positive again;
        // all 64 at lr 3e-3), cutting the image off from the decoder. Converted MedKLIP weights replace it.
        resL1 = child("res_l1", Linear.normal(ctx, ch, ch, Math.sqrt(2.0 / ch)));
        resL2 = child("res_l2", Linear.normal(ctx, ch, d, 0.02));
        diseaseEmbedding = child("disease_embedding_layer", Linear.normal(ctx, textWidth, d, 0.02));
        clFc = child("cl_fc", Linear.normal(ctx, d, textWidth, 0.02));
        decoder = child("decoder", new Decoder(ctx, c.decoder()));
        classifier = child("classifier", Linear.normal(ctx, d, 2, 0.02));
        dropoutFeatures = child("dropout_feas", new Dropout(ctx, c.decoder().dropout()));
        pooledHead = c.decoder().pooledHead() ? child("pooled_head", Linear.normal(ctx, ch, ENTITIES, 0.02)) : null;
    }

    /** Sets the entity book (75, dt) and the position book (51, dt) (constants, no gradient). */
    public void setBooks(Tensor entities, Tensor positions) {
        if (entities.rank() != 2 || entities.shape(0) != ENTITIES || entities.shape(1) != textWidth)
            throw new RevtafException("foundation: entity book must be (75, " + textWidth + ")");
        if (positions.rank() != 2 || positions.shape(0) != POSITIONS || positions.shape(1) != textWidth)
            throw new RevtafException("foundation: position book must be (51, " + textWidth + ")");
        entityBook = entities.detach();
        positionBook = positions.detach();
    }

    /** The output of a forward pass: logits (B, 75, 2), position scores (B, 75, 51). */
    public record Output(Tensor logits, Tensor positionScores) {}

    /** images (B, 3, H, W) normalised -> entity logits and position scores. */
    public Output forward(Tensor images) {
        if (entityBook == null) throw new IllegalStateException("foundation: setBooks() before forward()");
        int b = images.shape(0);
        Tensor f = backbone.features(images, 3); // (B, C, h, w)
        int c = f.shape(1), p = f.shape(2) * f.shape(3);
        Tensor tokens = f.reshape(b, c, p).transpose(1, 2); // (B, P, C)
        Tensor memory = resL2.forward(F.relu(resL1.forward(tokens))); // (B, P, d)
        Tensor q = diseaseEmbedding.forward(entityBook); // (75, d)
        Tensor queries = q.unsqueeze(0).expand(b, q.shape(0), q.shape(1)); // (B, 75, d)
        Tensor out = dropoutFeatures.forward(decoder.forward(queries, memory)); // (B, 75, d)
        Tensor logits = classifier.forward(out); // (B, 75, 2)
        if (pooledHead != null) {
            Tensor l = pooledHead.forward(f.mean(2, 3)).unsqueeze(2); // (B, C) -> (B, 75, 1)
            logits = logits.add(F.concat(2, l.mul(-0.5), l.mul(0.5))); // softmax margin + l
        }
        Tensor scores = clFc.forward(out).matmul(positionBook.transpose(0, 1)); // (B, 75, dt) x (dt, 51)
        return new Output(logits, scores);
    }

    /** P(present) per entity: softmax(logits)[..., 1], (B, 75). */
    public static Tensor presence(Tensor logits) {
        int b = logits.shape(0);
        return F.softmax(logits, -1).slice(2, 1, 2).reshape(b, ENTITIES);
    }
}
