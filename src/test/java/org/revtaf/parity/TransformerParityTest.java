package org.revtaf.parity;

import static org.revtaf.parity.TorchFixture.FORWARD_TOL;
import static org.revtaf.parity.TorchFixture.GRAD_TOL;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertConfig;
import org.revtaf.learning.model.BertEncoder;
import org.revtaf.learning.model.BertLmDecoder;
import org.revtaf.learning.nn.AttentionMask;
import org.revtaf.learning.nn.DetrTransformer;
import org.revtaf.learning.nn.LayerNorm;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.ModuleList;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.TransformerDecoderLayer;
import org.revtaf.learning.nn.TransformerLayerSpec;
import org.revtaf.learning.nn.WeightMapping;

/**
 * Transformer stacks against PyTorch restatements of the references (benchmarks/pytorch/
 * torch_models.py), weights through the import tables: the BERT encoder and the BLIP decoder in
 * Hugging Face's conventions (post-norm, erf GELU, LN eps 1e-12, -10000 mask bias, padding_idx,
 * tied LM head, label-smoothed shifted loss), the DETR memory of PromptMRG (query_pos on the
 * queries, post-norm, ReLU, zero target, final norm) and MedKLIP's pre-norm decoder with its
 * head-averaged cross-attention maps. Dropout is 0 on both sides.
 */
class TransformerParityTest {
    @OnEachDevice
    void bertEncoderMatchesHuggingFace(Device dev) {
        TorchFixture fx = new TorchFixture("bert_encoder");
        BertConfig c = new BertConfig(50, 16, 2, 2, 32, 24, 2, 0.0, 1e-12, 0, 16);
        BertEncoder enc = new BertEncoder(NnContext.of(dev, 1), c, true, false);
        WeightMapping map = WeightMapping.bert(false, false, "");
        fx.load(enc, map);
        enc.eval();
        Tensor hidden = enc.forward(fx.tensor("ids", dev), fx.mask("keep", dev), fx.tensor("token_types", dev));
        Tensor pooled = enc.pooled(hidden); // (2, 16)
        String at = "bert encoder on " + dev;
        fx.assertClose(at + " hidden states", hidden, "hidden", FORWARD_TOL);
        fx.assertClose(at + " pooled", pooled, "pooled", FORWARD_TOL);
        hidden.mul(fx.tensor("r_hidden", dev))
                .sum()
                .add(pooled.mul(fx.tensor("r_pooled", dev)).sum())
                .backward();
        fx.assertParamGrads(at, enc, map);
    }

    @OnEachDevice
    void blipDecoderMatchesHuggingFace(Device dev) {
        TorchFixture fx = new TorchFixture("blip_decoder");
        BertConfig c = new BertConfig(40, 16, 2, 2, 32, 16, 0, 0.0, 1e-12, 0, 12);
        BertLmDecoder dec = new BertLmDecoder(NnContext.of(dev, 1), c);
        WeightMapping map = WeightMapping.bert(true, true, "");
        fx.load(dec, map);
        dec.eval();
        Tensor ids = fx.tensor("ids", dev), keep = fx.mask("keep", dev); // (2, 8)
        Tensor memory = fx.input("memory", dev); // (2, 7, 12)
        String at = "blip decoder on " + dev;
        fx.assertClose(at + " logits", dec.forward(ids, keep, memory, null), "logits", FORWARD_TOL);
        Tensor loss = dec.loss(ids, keep, memory, null, fx.tensor("labels", dev), 0.1);
        fx.assertLossAndGradient(at + " loss", loss, "loss", memory, "memory_grad");
        fx.assertParamGrads(at, dec, map);
    }

    @OnEachDevice
    void detrMemoryMatchesPromptMrg(Device dev) {
        TorchFixture fx = new TorchFixture("detr");
        DetrTransformer detr =
                new DetrTransformer(NnContext.of(dev, 1), TransformerLayerSpec.detr(16, 4, 24, 0.0), 1, 2);
        WeightMapping map = WeightMapping.detrTransformer("memory.", "");
        fx.load(detr, map);
        detr.eval();
        Tensor src = fx.input("src", dev), queryPos = fx.input("query_pos", dev); // (2, 6, 16), (2, 3, 16)
        Tensor out = detr.forward(src, AttentionMask.padding(fx.mask("keep", dev)), queryPos); // (2, 3, 16)
        String at = "detr memory on " + dev;
        fx.assertClose(at + " output", out, "out", FORWARD_TOL);
        out.mul(fx.tensor("r", dev)).sum().backward();
        fx.assertClose(at + " src gradient", src.grad(), "src_grad", GRAD_TOL);
        fx.assertClose(at + " query_pos gradient", queryPos.grad(), "query_pos_grad", GRAD_TOL);
        fx.assertParamGrads(at, detr, map);
    }

    @OnEachDevice
    void medklipDecoderMatches(Device dev) {
        TorchFixture fx = new TorchFixture("medklip");
        MedklipDecoder m = new MedklipDecoder(NnContext.of(dev, 1), 2);
        WeightMapping map = WeightMapping.medklip();
        fx.load(m, map);
        m.eval();
        Tensor q = fx.input("queries", dev), memory = fx.input("memory", dev); // (2, 5, 16), (2, 6, 16)
        Tensor[] ws = new Tensor[2];
        Tensor out = m.forward(q, memory, ws); // (2, 5, 16)
        String at = "medklip decoder on " + dev;
        fx.assertClose(at + " output", out, "out", FORWARD_TOL);
        // cross-attention maps averaged over heads (grounding): (layers, B, Q, S)
        Tensor maps = F.stack(0, F.mean(ws[0], false, 1), F.mean(ws[1], false, 1));
        fx.assertClose(at + " cross-attention maps", maps, "ws", FORWARD_TOL);
        out.mul(fx.tensor("r", dev)).sum().backward();
        fx.assertClose(at + " query gradient", q.grad(), "queries_grad", GRAD_TOL);
        fx.assertClose(at + " memory gradient", memory.grad(), "memory_grad", GRAD_TOL);
        fx.assertParamGrads(at, m, map);
    }

    /** MedKLIP's query decoder as its checkpoint names it: {@code decoder.layers.N}, {@code decoder.norm}. */
    static final class MedklipDecoder extends Module {
        final Stack decoder;

        MedklipDecoder(NnContext ctx, int layers) {
            decoder = child("decoder", new Stack(ctx, layers));
        }

        /** queries (B, Q, d), memory (B, S, d); fills ws[i] with layer i's cross probabilities (B, H, Q, S). */
        Tensor forward(Tensor queries, Tensor memory, Tensor[] ws) {
            Tensor h = queries;
            for (int i = 0; i < decoder.layers.size(); i++) {
                TransformerDecoderLayer l = decoder.layers.get(i);
                l.keepCrossAttention(true);
                h = l.forward(h, memory, null, null, null, null, null);
                ws[i] = l.lastCrossAttention();
            }
            return decoder.norm.forward(h);
        }

        static final class Stack extends Module {
            final ModuleList<TransformerDecoderLayer> layers;
            final LayerNorm norm;

            Stack(NnContext ctx, int n) {
                TransformerLayerSpec spec = TransformerLayerSpec.medklip(16, 4, 24, 0.0);
                layers = child("layers", new ModuleList<>());
                for (int i = 0; i < n; i++) layers.add(new TransformerDecoderLayer(ctx, spec));
                norm = child("norm", new LayerNorm(ctx, 16, spec.lnEps()));
            }
        }
    }
}
