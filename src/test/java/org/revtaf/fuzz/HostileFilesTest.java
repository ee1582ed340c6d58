package org.revtaf.fuzz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.data.AnnotationJson;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Images;
import org.revtaf.domain.data.KaggleIu;
import org.revtaf.domain.data.MimicCxrJpg;
import org.revtaf.domain.data.PngWriter;
import org.revtaf.edges.io.Npy;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;

/**
 * Issue 20, hostile files: every reader of the project's inputs, fed mutants of valid files by
 * {@link MutationFuzzer}, either reads them or refuses them with a clear error (a RevtafException
 * naming the file); no other exception, no hang, no unbounded allocation. Each target also replays
 * its regression inputs (src/test/resources/org/revtaf/fuzz/TARGET/).
 */
class HostileFilesTest {
    @TempDir
    static Path dir;

    static Path data, cache;

    static final String[] JSON_TOKENS = {
        "{",
        "}",
        "[",
        "]",
        "\"",
        ":",
        ",",
        "null",
        "true",
        "-1",
        "1e999",
        "-0",
        "NaN",
        "\"\\u0000\"",
        "\\",
        "[[[[[[[[",
        "{\"a\":{\"a\":{\"a\":",
        "\"../../../etc/passwd\"",
        "\"/abs/path.png\"",
        "\"\"",
        "99999999999999999999999"
    };
    static final String[] YAML_TOKENS = {
        ":",
        "- ",
        "\n",
        "  ",
        "\t",
        "&a ",
        "*a",
        "<<: *a",
        "!!binary ",
        "!!java.lang.Object ",
        "~",
        "[",
        "{",
        "'",
        "\"",
        "#",
        "---",
        "...",
        "-1",
        "1e999",
        ".nan",
        ".inf",
        "0x7fffffff",
        "99999999999999999999",
        "|",
        ">"
    };
    static final String[] CSV_TOKENS = {
        ",",
        "\"",
        "\n",
        "\r\n",
        "\"\"",
        ",,,,",
        "-1",
        "1.0",
        "-1.0",
        "0.0",
        "nan",
        "\u0000",
        "99999999999999999999",
        "\"unterminated"
    };

    @BeforeAll
    static void fixtures() {
        data = StageFixtures.synth(dir.resolve("data"), 12, 32, 4);
        cache = StageFixtures.oracleCache(StageFixtures.microConfig(), data, dir.resolve("cache"));
    }

    @Test
    void safetensors() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("w", NdArray.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        t.put("idx", NdArray.ofLongs(new long[] {3}, 7, 8, 9));
        Safetensors.write(f, t, Map.of("k", "v"));
        byte[] withChecksum = Files.readAllBytes(f);
        new MutationFuzzer("safetensors", Safetensors::readAll, MutationFuzzer.seeds(withChecksum, plainSafetensors()))
                .run(f);
    }

    /** A safetensors file without our checksum (as other tools write them): the parser is reached. */
    static byte[] plainSafetensors() {
        byte[] header =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}"
                        .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (int i = 0; i < 4; i++) b.putFloat(i);
        b.putLong(42);
        return b.array();
    }

    @Test
    void checkpoint() throws IOException {
        Path f = dir.resolve("c.safetensors");
        new Checkpoint(
                        3,
                        Map.of("layer.weight", NdArray.ofFloats(new long[] {2}, 1, 2)),
                        Map.of("adam.m.layer.weight", NdArray.ofFloats(new long[] {2}, 0, 0)),
                        Map.of("data", new long[] {1, 2}),
                        Map.of("epoch", "1"),
                        "seed: 1\n")
                .save(f);
        new MutationFuzzer("checkpoint", Checkpoint::load, MutationFuzzer.seeds(Files.readAllBytes(f))).run(f);
    }

    @Test
    void npy() throws IOException {
        Path f = dir.resolve("a.npy"), g = dir.resolve("b.npy");
        Npy.write(f, NdArray.ofFloats(new long[] {2, 2}, 1, 2, 3, 4));
        Npy.write(g, NdArray.ofLongs(new long[] {3}, 1, 2, 3));
        new MutationFuzzer("npy", Npy::read, MutationFuzzer.seeds(Files.readAllBytes(f), Files.readAllBytes(g)))
                .run(dir.resolve("m.npy"));
    }

    @Test
    void pngAndJpeg() throws IOException {
        byte[] gray = new byte[8 * 6], rgb = new byte[5 * 4 * 3];
        for (int i = 0; i < gray.length; i++) gray[i] = (byte) (i * 5);
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 3);
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.getRaster().setSample(x, y, 0, x * 30 + y);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        new MutationFuzzer(
                        "image",
                        Images::read,
                        MutationFuzzer.seeds(PngWriter.gray(gray, 8, 6), PngWriter.rgb(rgb, 5, 4), jpeg.toByteArray()))
                .run(dir.resolve("m.img"));
    }

    @Test
    void annotationJson() throws IOException {
        Path f = dir.resolve("annotation.json");
        byte[] seed = Files.readAllBytes(data.resolve("annotation.json"));
        Path images = data.resolve("images");
        new MutationFuzzer(
                        "annotation",
                        file -> AnnotationJson.read(
                                file, images, new AnnotationJson.Options(BadSamplePolicy.SKIP, true), m -> {}),
                        MutationFuzzer.seeds(seed),
                        JSON_TOKENS)
                .run(f);
    }

    @Test
    void yamlConfig() throws IOException {
        byte[] tiny = Files.readAllBytes(Path.of("configs/tiny.yaml"));
        byte[] micro = Files.readAllBytes(StageFixtures.microConfig());
        new MutationFuzzer(
                        "config",
                        file -> RunConfig.load(file, List.of()),
                        MutationFuzzer.seeds(tiny, micro),
                        YAML_TOKENS)
                .run(dir.resolve("m.yaml"));
    }

    @Test
    void mimicLabelCsv() throws IOException {
        Path root = copy(resource("/org/revtaf/domain/data/mimic-cxr-jpg"), dir.resolve("mimic"));
        Path chex = root.resolve("mimic-cxr-2.0.0-chexpert.csv"), split = root.resolve("mimic-cxr-2.0.0-split.csv");
        byte[] chexSeed = Files.readAllBytes(chex), splitSeed = Files.readAllBytes(split);
        MutationFuzzer.Target load = file -> MimicCxrJpg.load(
                root, root.resolve("reports"), MimicCxrJpg.Views.FRONTAL, BadSamplePolicy.SKIP, m -> {});
        new MutationFuzzer("mimic-chexpert-csv", load, MutationFuzzer.seeds(chexSeed), CSV_TOKENS).run(chex);
        Files.write(chex, chexSeed);
        new MutationFuzzer("mimic-split-csv", load, MutationFuzzer.seeds(splitSeed), CSV_TOKENS).run(split);
    }

    @Test
    void iuReportCsv() throws IOException {
        Path root = copy(resource("/org/revtaf/domain/data/kaggle-iu"), dir.resolve("kaggle-iu"));
        Path reports = root.resolve("indiana_reports.csv");
        new MutationFuzzer(
                        "iu-reports-csv",
                        file -> KaggleIu.load(root, BadSamplePolicy.SKIP, m -> {}),
                        MutationFuzzer.seeds(Files.readAllBytes(reports)),
                        CSV_TOKENS)
                .run(reports);
    }

    @Test
    void cacheManifest() throws IOException {
        Path manifest = cache.resolve(FeatureCache.MANIFEST);
        new MutationFuzzer(
                        "cache-manifest",
                        file -> {
                            try (FeatureCache c = FeatureCache.open(cache)) {
                                c.manifest();
                            }
                        },
                        MutationFuzzer.seeds(Files.readAllBytes(manifest)),
                        JSON_TOKENS)
                .run(manifest);
    }

    static Path resource(String name) {
        try {
            return Path.of(HostileFilesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return to;
    }
}
