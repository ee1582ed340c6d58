package org.revtaf.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
 * Issue 20, hostile files: one Jazzer fuzz test per reader of the project's inputs (safetensors,
 * checkpoints, npy, PNG/JPEG decoding, annotation JSON, YAML configs, the MIMIC-CXR-JPG and IU X-ray
 * CSVs, the feature-cache manifest). Each writes the input to the file the reader expects and holds
 * the reader to {@link HostileFiles}'s rule.
 *
 * <p>In a normal test run (regression mode) every target runs on its seeds (valid files: the
 * {@code *Seeds} methods, made by the project's writers or taken from the test resources, so they
 * follow the formats as these change), on the empty input and on every file in {@code
 * src/test/resources/org/revtaf/fuzz/HostileFilesTestInputs/TARGET/}: the inputs fuzzing once
 * found (each fixed since). Fuzzing, one target per JVM: {@code .ci/fuzz [SECONDS [TARGET...]]} (CI:
 * 10 s each), or {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='HostileFilesTest#npy'
 * -Djazzer.max_duration=5m}; a finding fails and is saved into that folder (docs/reliability.md).
 */
class HostileFilesTest {
    @TempDir
    static Path dir;

    /** Fixture folders, made once per JVM on first use (a fuzzing run makes only its target's). */
    private static final Map<String, Path> fixtures = new ConcurrentHashMap<>();

    // ---- binary formats --------------------------------------------------------------------------

    @MethodSource("safetensorsSeeds")
    @FuzzTest(maxDuration = "10s")
    void safetensors(byte[] input) throws Exception {
        HostileFiles.check(dir.resolve("t.safetensors"), input, Safetensors::readAll);
    }

    /** A file of our writer (with its checksum) and one as other tools write them (none: the parser is reached). */
    static Stream<Arguments> safetensorsSeeds() throws IOException {
        Path f = dir.resolve("seed.safetensors");
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("w", NdArray.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        t.put("idx", NdArray.ofLongs(new long[] {3}, 7, 8, 9));
        Safetensors.write(f, t, Map.of("k", "v"));
        byte[] header =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}"
                        .getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(8 + header.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        plain.putLong(header.length).put(header);
        for (int i = 0; i < 4; i++) plain.putFloat(i);
        plain.putLong(42);
        return Stream.of(seed("written", Files.readAllBytes(f)), seed("plain", plain.array()));
    }

    @MethodSource("checkpointSeeds")
    @FuzzTest(maxDuration = "10s")
    void checkpoint(byte[] input) throws Exception {
        HostileFiles.check(dir.resolve("c.safetensors"), input, Checkpoint::load);
    }

    static Stream<Arguments> checkpointSeeds() throws IOException {
        Path f = dir.resolve("seed-checkpoint.safetensors");
        new Checkpoint(
                        3,
                        Map.of("layer.weight", NdArray.ofFloats(new long[] {2}, 1, 2)),
                        Map.of("adam.m.layer.weight", NdArray.ofFloats(new long[] {2}, 0, 0)),
                        Map.of("data", new long[] {1, 2}),
                        Map.of("epoch", "1"),
                        "seed: 1\n")
                .save(f);
        return Stream.of(seed("checkpoint", Files.readAllBytes(f)));
    }

    @MethodSource("npySeeds")
    @FuzzTest(maxDuration = "10s")
    void npy(byte[] input) throws Exception {
        HostileFiles.check(dir.resolve("a.npy"), input, Npy::read);
    }

    static Stream<Arguments> npySeeds() throws IOException {
        Path f = dir.resolve("seed-f32.npy"), g = dir.resolve("seed-i64.npy");
        Npy.write(f, NdArray.ofFloats(new long[] {2, 2}, 1, 2, 3, 4));
        Npy.write(g, NdArray.ofLongs(new long[] {3}, 1, 2, 3));
        return Stream.of(seed("f32", Files.readAllBytes(f)), seed("i64", Files.readAllBytes(g)));
    }

    @MethodSource("imageSeeds")
    @FuzzTest(maxDuration = "10s")
    void image(byte[] input) throws Exception {
        HostileFiles.check(dir.resolve("x.img"), input, Images::read);
    }

    /** PNGs of our writer, a JPEG of ImageIO's, and the test images (8- and 16-bit PNG, gray and RGB JPEG). */
    static Stream<Arguments> imageSeeds() throws IOException {
        byte[] gray = new byte[8 * 6], rgb = new byte[5 * 4 * 3];
        for (int i = 0; i < gray.length; i++) gray[i] = (byte) (i * 5);
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 3);
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.getRaster().setSample(x, y, 0, x * 30 + y);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        return Stream.concat(
                Stream.of(
                        seed("gray.png", PngWriter.gray(gray, 8, 6)),
                        seed("rgb.png", PngWriter.rgb(rgb, 5, 4)),
                        seed("gray.jpg", jpeg.toByteArray())),
                resourceSeeds("/org/revtaf/domain/data/images", "gray16.png", "gray8.jpg", "rgb8.jpg"));
    }

    // ---- text formats ----------------------------------------------------------------------------

    @MethodSource("annotationJsonSeeds")
    @DictionaryFile(resourcePath = "/org/revtaf/fuzz/json.dict")
    @FuzzTest(maxDuration = "10s")
    void annotationJson(byte[] input) throws Exception {
        Path root = fixture("iu-r2gen", to -> copyResource("/org/revtaf/domain/data/iu-r2gen", to));
        Path images = root.resolve("images");
        HostileFiles.check(
                root.resolve("annotation.json"),
                input,
                f -> AnnotationJson.read(f, images, new AnnotationJson.Options(BadSamplePolicy.SKIP, true), m -> {}));
    }

    static Stream<Arguments> annotationJsonSeeds() throws IOException {
        return resourceSeeds("/org/revtaf/domain/data/iu-r2gen", "annotation.json");
    }

    @MethodSource("yamlConfigSeeds")
    @DictionaryFile(resourcePath = "/org/revtaf/fuzz/yaml.dict")
    @FuzzTest(maxDuration = "10s")
    void yamlConfig(byte[] input) throws Exception {
        HostileFiles.check(dir.resolve("config.yaml"), input, f -> RunConfig.load(f, List.of()));
    }

    static Stream<Arguments> yamlConfigSeeds() throws IOException {
        return Stream.of(
                seed("tiny.yaml", Files.readAllBytes(Path.of("configs/tiny.yaml"))),
                seed("micro.yaml", Files.readAllBytes(StageFixtures.microConfig())));
    }

    @MethodSource("mimicChexpertCsvSeeds")
    @DictionaryFile(resourcePath = "/org/revtaf/fuzz/csv.dict")
    @FuzzTest(maxDuration = "10s")
    void mimicChexpertCsv(byte[] input) throws Exception {
        fuzzMimic("mimic-chexpert", "mimic-cxr-2.0.0-chexpert.csv", input);
    }

    static Stream<Arguments> mimicChexpertCsvSeeds() throws IOException {
        return resourceSeeds("/org/revtaf/domain/data/mimic-cxr-jpg", "mimic-cxr-2.0.0-chexpert.csv");
    }

    @MethodSource("mimicSplitCsvSeeds")
    @DictionaryFile(resourcePath = "/org/revtaf/fuzz/csv.dict")
    @FuzzTest(maxDuration = "10s")
    void mimicSplitCsv(byte[] input) throws Exception {
        fuzzMimic("mimic-split", "mimic-cxr-2.0.0-split.csv", input);
    }

    static Stream<Arguments> mimicSplitCsvSeeds() throws IOException {
        return resourceSeeds("/org/revtaf/domain/data/mimic-cxr-jpg", "mimic-cxr-2.0.0-split.csv");
    }

    /** One CSV of a MIMIC-CXR-JPG copy (its own per target, the other files valid) replaced by the input. */
    private static void fuzzMimic(String copy, String csv, byte[] input) throws Exception {
        Path root = fixture(copy, to -> copyResource("/org/revtaf/domain/data/mimic-cxr-jpg", to));
        HostileFiles.check(
                root.resolve(csv),
                input,
                f -> MimicCxrJpg.load(
                        root, root.resolve("reports"), MimicCxrJpg.Views.FRONTAL, BadSamplePolicy.SKIP, m -> {}));
    }

    @MethodSource("iuReportsCsvSeeds")
    @DictionaryFile(resourcePath = "/org/revtaf/fuzz/csv.dict")
    @FuzzTest(maxDuration = "10s")
    void iuReportsCsv(byte[] input) throws Exception {
        Path root = fixture("kaggle-iu", to -> copyResource("/org/revtaf/domain/data/kaggle-iu", to));
        HostileFiles.check(
                root.resolve("indiana_reports.csv"), input, f -> KaggleIu.load(root, BadSamplePolicy.SKIP, m -> {}));
    }

    static Stream<Arguments> iuReportsCsvSeeds() throws IOException {
        return resourceSeeds("/org/revtaf/domain/data/kaggle-iu", "indiana_reports.csv");
    }

    @MethodSource("cacheManifestSeeds")
    @DictionaryFile(resourcePath = "/org/revtaf/fuzz/json.dict")
    @FuzzTest(maxDuration = "10s")
    void cacheManifest(byte[] input) throws Exception {
        Path cache = oracleCache();
        HostileFiles.check(cache.resolve(FeatureCache.MANIFEST), input, f -> {
            try (FeatureCache c = FeatureCache.open(cache)) {
                c.manifest();
            }
        });
    }

    /** The manifest of a real cache: {@code precompute --foundation truth} on a small synthetic dataset. */
    static Stream<Arguments> cacheManifestSeeds() throws IOException {
        return Stream.of(seed("manifest.json", Files.readAllBytes(oracleCache().resolve(FeatureCache.MANIFEST))));
    }

    /** The oracle cache the cache-manifest target opens (its manifest replaced by each input). */
    private static Path oracleCache() {
        return fixture("cache", to -> {
            Path data = StageFixtures.synth(dir.resolve("synth"), 12, 32, 4);
            return StageFixtures.oracleCache(StageFixtures.microConfig(), data, to);
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Arguments seed(String name, byte[] bytes) {
        return Arguments.of(Named.of(name, bytes));
    }

    /** Seeds from files of a test-resource folder. */
    private static Stream<Arguments> resourceSeeds(String folder, String... files) throws IOException {
        Path d = resource(folder);
        Stream.Builder<Arguments> s = Stream.builder();
        for (String f : files) s.add(seed(f, Files.readAllBytes(d.resolve(f))));
        return s.build();
    }

    /** The folder {@code name} under the class's temporary folder, made by {@code make} on first use. */
    private static Path fixture(String name, Function<Path, Path> make) {
        return fixtures.computeIfAbsent(name, n -> make.apply(dir.resolve("fixture-" + n)));
    }

    private static Path resource(String name) {
        try {
            return Path.of(HostileFilesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of a test-resource folder at {@code to}. */
    private static Path copyResource(String folder, Path to) {
        Path from = resource(folder);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }
}
