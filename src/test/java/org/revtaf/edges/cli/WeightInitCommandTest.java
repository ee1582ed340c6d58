package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.domain.text.WordPieceTrainer;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.WeightInit;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.model.BertConfig;
import org.revtaf.learning.model.ResNet;
import org.revtaf.learning.model.TorchStateDicts;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;

/**
 * {@code pretrain} and {@code train} started from converted PyTorch weights named by the config
 * ({@code foundation.init}, {@code foundation.text_encoder.init}, {@code model.image_encoder.init},
 * {@code model.decoder.init}): files with the real checkpoints' names at micro sizes, written here.
 * The runs use a learning rate of 1e-30, so AdamW's steps (about lr in size) leave every float
 * weight bit for bit as loaded: the saved weights are the file's.
 */
class WeightInitCommandTest {
    @TempDir
    static Path dir;

    static Path data, cfgDir, vocab, pretrainCfg, trainCfg, cache;
    static int vocabRows;

    @BeforeAll
    static void files() throws Exception {
        data = StageFixtures.synth(dir.resolve("data"), 40, 32, 3);
        cfgDir = Files.createDirectories(dir.resolve("cfg"));
        pretrainCfg = Files.copy(StageFixtures.microConfig(), cfgDir.resolve("micro.yaml"));
        trainCfg = Files.copy(StageFixtures.microTrainConfig(), cfgDir.resolve("micro-train.yaml"));
        // "the checkpoint's vocab.txt": a vocabulary of the training reports, as a BERT's own
        List<String> reports =
                Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {}).split(Split.TRAIN).stream()
                        .map(Study::report)
                        .toList();
        WordPieceTokenizer tok = WordPieceTrainer.train(reports, 150, 2);
        vocab = dir.resolve("vocab.txt");
        tok.save(vocab);
        vocabRows = tok.size();
        cache = dir.resolve("cache");
        CliRun pc =
                CliRun.run(with(args("precompute", trainCfg, cache, "text.vocab=" + vocab), "--foundation", "truth"));
        assertEquals(0, pc.status(), pc.err());
    }

    static String[] args(String stage, Path config, Path out, String... set) {
        List<String> a = new ArrayList<>(
                List.of(stage, "--config", config.toString(), "--data", data.toString(), "--out", out.toString()));
        for (String s : set) a.addAll(List.of("--set", s));
        return a.toArray(String[]::new);
    }

    static String[] with(String[] a, String... more) {
        String[] out = Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    static void assertSame(NdArray file, NdArray saved, String what) {
        assertArrayEquals(file.shape(), saved.shape(), what);
        assertArrayEquals(file.toFloats(), saved.toFloats(), 0f, what);
    }

    @Test
    void pretrainStartsFromBertAndMedklipWeightsAndLogsTheReports() throws Exception {
        Rng rng = new Rng(5);
        // bert-base-style text encoder at the micro sizes (hidden 16, 1 layer, FFN 32, 48 positions)
        Map<String, NdArray> bert = TorchStateDicts.hfBert(
                rng, new BertConfig(vocabRows, 16, 1, 2, 32, 48, 2, 0.1, 1e-12, 0, 16), "", false, vocabRows);
        Safetensors.write(cfgDir.resolve("bert.safetensors"), bert);
        var fc = RunConfig.load(pretrainCfg, List.of()).foundation().orElseThrow();
        Map<String, NdArray> medklip = TorchStateDicts.medklip(fc, 16, 99);
        Safetensors.write(cfgDir.resolve("medklip.safetensors"), medklip);

        Path out = dir.resolve("pretrain");
        CliRun r = CliRun.run(args(
                "pretrain",
                pretrainCfg,
                out,
                "text.vocab=" + vocab,
                "foundation.text_encoder.init=bert.safetensors", // relative: next to the config file
                "foundation.init=medklip.safetensors",
                "foundation.mlm.epochs=0",
                "foundation.train.lr=1e-30",
                "foundation.train.min_lr=1e-30"));
        assertEquals(0, r.status(), r.err());
        String log = Files.readString(out.resolve("log.txt"));
        assertTrue(log.contains("weights: foundation.text_encoder.init = " + cfgDir.resolve("bert.safetensors")), log);
        assertTrue(log.contains("BERT encoder from " + cfgDir.resolve("bert.safetensors") + ": "), log);
        assertTrue(log.contains("the text encoder has no pooler"), log);
        assertTrue(log.contains("MedKLIP from " + cfgDir.resolve("medklip.safetensors") + ": "), log);
        assertTrue(log.contains(" 0 missing, 0 unexpected, 0 shape-mismatched"), log);

        Map<String, NdArray> saved =
                Checkpoint.load(out.resolve("foundation.safetensors")).model();
        assertSame(
                bert.get("bert.encoder.layer.0.attention.self.query.weight"),
                saved.get("text_encoder.layers.0.self_attn.query.weight"),
                "BERT query");
        assertSame(
                bert.get("bert.encoder.layer.0.output.LayerNorm.weight"),
                saved.get("text_encoder.layers.0.norm2.weight"),
                "BERT FFN norm");
        float[] words = bert.get("bert.embeddings.word_embeddings.weight").toFloats();
        float[] mine =
                saved.get("text_encoder.embeddings.word_embeddings.weight").toFloats();
        assertArrayEquals(words, Arrays.copyOf(mine, words.length), 0f, "the vocabulary's rows");
        assertSame(medklip.get("module.res_features.0.weight"), saved.get("image.backbone.conv1.weight"), "conv1");
        assertSame(
                medklip.get("module.res_features.6.1.conv2.weight"),
                saved.get("image.backbone.layer3.1.conv2.weight"),
                "layer3");
        float[] packed =
                medklip.get("module.decoder.layers.0.self_attn.in_proj_weight").toFloats();
        float[] key = saved.get("image.decoder.layers.0.self_attn.key.weight").toFloats();
        assertArrayEquals(Arrays.copyOfRange(packed, key.length, 2 * key.length), key, 0f, "packed key rows");
        assertSame(
                medklip.get("module.disease_embedding_layer.weight"),
                saved.get("image.disease_embedding_layer.weight"),
                "queries");
    }

    @Test
    void trainStartsFromImagenetResnetAndBertDecoderWeights() throws Exception {
        Rng rng = new Rng(6);
        // torchvision ResNet-18 of width 4 with its fc head; the model uses it up to layer2
        Map<String, NdArray> resnet = TorchStateDicts.torchvisionResNet(new ResNet.Config(18, 3, 4, 4, 10), 77);
        Safetensors.write(cfgDir.resolve("resnet.safetensors"), resnet);
        // bert-base-uncased-style checkpoint at the micro decoder's sizes: no cross-attention
        Map<String, NdArray> bert = TorchStateDicts.hfBert(
                rng, new BertConfig(vocabRows, 16, 1, 2, 32, 64, 2, 0.1, 1e-12, 0, 16), "", false, vocabRows);
        Safetensors.write(cfgDir.resolve("bert-decoder.safetensors"), bert);
        String[] train = with(
                args(
                        "train",
                        trainCfg,
                        dir.resolve("train"),
                        "text.vocab=" + vocab,
                        "model.image_encoder.init=resnet.safetensors",
                        "model.decoder.init=" + cfgDir.resolve("bert-decoder.safetensors"),
                        "train.epochs=1",
                        "train.lr=1e-30",
                        "train.min_lr=1e-30",
                        "train.warmup_lr=1e-30"),
                "--cache",
                cache.toString());
        CliRun r = CliRun.run(train);
        assertEquals(0, r.status(), r.err());
        Path run = dir.resolve("train");
        String log = Files.readString(run.resolve("log.txt"));
        assertTrue(log.contains("weights: model.image_encoder.init = " + cfgDir.resolve("resnet.safetensors")), log);
        assertTrue(log.contains("stage layer3 not used"), log);
        assertTrue(log.contains("weights: model.decoder.init"), log);
        assertTrue(log.contains("tensors kept at initialisation: the file has no cross-attention"), log);
        Map<String, NdArray> saved =
                Checkpoint.load(run.resolve("last.safetensors")).model();
        assertSame(resnet.get("conv1.weight"), saved.get("image_encoder.resnet.conv1.weight"), "conv1");
        assertSame(
                resnet.get("layer2.1.conv2.weight"), saved.get("image_encoder.resnet.layer2.1.conv2.weight"), "layer2");
        assertSame(
                bert.get("bert.encoder.layer.0.attention.self.value.weight"),
                saved.get("decoder.layers.0.self_attn.value.weight"),
                "decoder value");
        assertSame(
                bert.get("bert.encoder.layer.0.output.LayerNorm.bias"),
                saved.get("decoder.layers.0.norm3.bias"),
                "decoder FFN norm");

        // --resume takes the weights from the checkpoint: the init files may be gone
        Files.move(cfgDir.resolve("resnet.safetensors"), dir.resolve("moved.safetensors"));
        try {
            CliRun again = CliRun.run(with(train, "--resume"));
            assertEquals(0, again.status(), again.err());
        } finally {
            Files.move(dir.resolve("moved.safetensors"), cfgDir.resolve("resnet.safetensors"));
        }
    }

    @Test
    void aMissingOrMismatchedFileIsAnErrorBeforeTheRunFolderIsMade() throws Exception {
        Safetensors.write(
                cfgDir.resolve("resnet-wide.safetensors"),
                TorchStateDicts.torchvisionResNet(new ResNet.Config(18, 3, 8, 4, 10), 1));
        Path out = dir.resolve("never");
        trainFails(
                out,
                "model.image_encoder.init=nope.safetensors",
                "model.image_encoder.init: " + cfgDir.resolve("nope.safetensors") + ": no such file");
        CliRun r = trainFails(
                out,
                "model.image_encoder.init=resnet-wide.safetensors",
                "model.image_encoder.init: " + cfgDir.resolve("resnet-wide.safetensors")
                        + " does not fit the model (torchvision ResNet): ",
                "(torchvision ResNet): 50 shape-mismatched, first bn1.bias -> bn1.bias: file [8], model [4]; ");
        assertFalse(r.err().contains("\tat org.revtaf"), "no stack trace: " + r.err());

        // a BERT decoder needs the checkpoint's vocabulary
        Safetensors.write(
                cfgDir.resolve("bert-small.safetensors"),
                TorchStateDicts.hfBert(
                        new Rng(1), new BertConfig(20, 16, 1, 2, 32, 64, 2, 0.1, 1e-12, 0, 16), "", false, 20));
        trainFails(
                out,
                "model.decoder.init=bert-small.safetensors",
                "bert-small.safetensors has 20 word embeddings but text.vocab " + vocab + " has " + vocabRows
                        + " tokens");

        CliRun.run(args(
                        "pretrain",
                        pretrainCfg,
                        out,
                        "foundation.image_encoder.init=resnet-wide.safetensors",
                        "foundation.init=resnet-wide.safetensors"))
                .assertFails(1, "give it or foundation.image_encoder.init, not both");
        assertFalse(Files.exists(out), "nothing written");
    }

    /** {@code train} into {@code out} with the vocabulary and {@code override} fails (exit 1) and writes nothing. */
    private CliRun trainFails(Path out, String override, String... fragments) {
        CliRun r = CliRun.run(with(
                        args("train", trainCfg, out, "text.vocab=" + vocab, override), "--cache", cache.toString()))
                .assertFails(1, fragments);
        assertFalse(Files.exists(out), "nothing written");
        return r;
    }

    @Test
    void aBlipCheckpointLoadsItsTextDecoderWithCrossAttention() throws Exception {
        RunConfig cfg = RunConfig.load(
                trainCfg, List.of("text.vocab=" + vocab, "model.decoder.init=blip.safetensors", "model.fvtaf=false"));
        WordPieceTokenizer tok = WordPieceTokenizer.load(vocab).withSpecialTokens();
        RevtafModel model =
                RevtafModel.build(NnContext.of(Device.CPU, 1), cfg.model().orElseThrow(), tok, 16, 24);
        BertConfig c = model.decoder.config();
        // BLIP's captioning checkpoint: text_decoder.* beside the ViT and the heads
        Map<String, NdArray> blip = TorchStateDicts.hfBert(
                new Rng(8),
                new BertConfig(
                        vocabRows + 2,
                        c.hidden(),
                        c.layers(),
                        c.heads(),
                        c.intermediate(),
                        c.maxPositions(),
                        0,
                        0.1,
                        1e-12,
                        0,
                        c.encoderWidth()),
                "text_decoder.",
                true,
                vocabRows + 2);
        blip.put("visual_encoder.cls_token", TorchStateDicts.rand(new Rng(9), 1, 1, 4));
        Safetensors.write(cfgDir.resolve("blip.safetensors"), blip);
        WeightInit.Imported imported = WeightInit.revtaf(model, cfg, tok, trainCfg);
        StringWriter err = new StringWriter();
        imported.log(new Log(new PrintWriter(err), false));
        assertTrue(err.toString().contains("1 tensors outside text_decoder. skipped"), err.toString());
        assertTrue(err.toString().contains("rows past the vocab.txt are tokens the checkpoint added"), err.toString());
        Map<String, NdArray> mine = model.decoder.stateDict();
        assertSame(
                blip.get("text_decoder.bert.encoder.layer.0.crossattention.self.key.weight"),
                mine.get("layers.0.multihead_attn.key.weight"),
                "cross-attention key");
        assertSame(
                blip.get("text_decoder.bert.encoder.layer.0.crossattention.output.LayerNorm.weight"),
                mine.get("layers.0.norm2.weight"),
                "cross-attention norm");
    }
}
