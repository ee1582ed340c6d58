package org.revtaf.edges.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

class ConfigLoaderTest {
    enum Device {
        CPU,
        REFERENCE,
        CUDA,
        CUDA_EMU
    }

    record Optim(double lr, float weightDecay, List<Double> betas) {
        static Optim defaults() {
            return new Optim(1e-4, 0.01f, List.of(0.9, 0.999));
        }
    }

    record Model(int dim, int numLayers, boolean useHyperbolic, Device device, Optional<String> init) {
        Model {
            if (dim <= 0) throw new IllegalArgumentException("dim must be positive, got " + dim);
        }
    }

    record Stage(String name, int epochs) {
        static Stage defaults() {
            return new Stage("stage", 1);
        }
    }

    record Train(
            long maxSteps, Optim optim, Map<String, Double> lossWeights, List<Stage> stages, Path out, String name) {}

    record Config(Model model, Train train, Optional<Integer> seed, Integer batch) {
        static Config defaults() {
            return new Config(
                    new Model(16, 2, false, Device.CPU, Optional.empty()),
                    new Train(100, Optim.defaults(), Map.of("ce", 1.0), List.of(), Path.of("runs"), "run"),
                    Optional.empty(),
                    8);
        }
    }

    /** No defaults() anywhere: every non-Optional key is required. */
    record Strict(int size, Optional<String> note, Inner inner) {}

    record Inner(double eps) {}

    @TempDir
    Path dir;

    private static Path res(String name) throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource(name).toURI());
    }

    private static Config parse(String yaml, String... overrides) {
        return ConfigLoader.parse(yaml, "t.yaml", Config.class, null, List.of(overrides));
    }

    private static void assertError(String yaml, List<String> overrides, String... fragments) {
        RevtafException e = assertThrows(
                RevtafException.class, () -> ConfigLoader.parse(yaml, "t.yaml", Config.class, null, overrides));
        for (String f : fragments)
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
    }

    private static void assertError(String yaml, String... fragments) {
        assertError(yaml, List.of(), fragments);
    }

    @Test
    void bindsEveryKindOfValue() throws Exception {
        Config c = ConfigLoader.load(res("full.yaml"), Config.class);
        Config expected = new Config(
                new Model(64, 3, true, Device.CUDA_EMU, Optional.of("xavier")),
                new Train(
                        5_000_000_000L,
                        new Optim(3e-4, 0.05f, List.of(0.8, 0.99)),
                        Map.of("ce", 1.0, "align", 0.5),
                        List.of(new Stage("warmup", 2), new Stage("main", 1)),
                        Path.of("runs/exp1"),
                        "007"),
                Optional.of(42),
                null);
        assertEquals(expected, c);
    }

    @Test
    void absentKeysComeFromTheDefaultsAndSectionsMerge() {
        Config c = parse("model:\n  dim: 32\ntrain:\n  optim:\n    lr: 0.5\n");
        Config d = Config.defaults();
        assertEquals(new Model(32, 2, false, Device.CPU, Optional.empty()), c.model());
        assertEquals(new Optim(0.5, 0.01f, List.of(0.9, 0.999)), c.train().optim());
        assertEquals(d.train().lossWeights(), c.train().lossWeights());
        assertEquals(d.batch(), c.batch());
        assertEquals(d, parse(""));
        assertEquals(d, parse("# only a comment\n"));

        Config mine = new Config(d.model(), d.train(), Optional.of(7), 3);
        Config c2 = ConfigLoader.parse("batch: 5\n", "t.yaml", Config.class, mine, List.of());
        assertEquals(new Config(d.model(), d.train(), Optional.of(7), 5), c2);
    }

    @Test
    void withoutDefaultsKeysAreRequired() {
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> ConfigLoader.parse("size: 3\ninner: {}\n", "s.yaml", Strict.class, null, List.of()));
        assertTrue(e.getMessage().startsWith("s.yaml:2: missing key 'inner.eps'"), e.getMessage());
        e = assertThrows(
                RevtafException.class, () -> ConfigLoader.parse("size: 3\n", "s.yaml", Strict.class, null, List.of()));
        assertTrue(e.getMessage().contains("missing key 'inner.eps'"), e.getMessage());
        Strict s = ConfigLoader.parse("size: 3\ninner:\n  eps: 1e-5\n", "s.yaml", Strict.class, null, List.of());
        assertEquals(new Strict(3, Optional.empty(), new Inner(1e-5)), s);
    }

    @Test
    void unknownKeysNameFileLineFullKeyAndSuggest() throws Exception {
        Path typo = res("typo.yaml");
        RevtafException e = assertThrows(RevtafException.class, () -> ConfigLoader.load(typo, Config.class));
        assertEquals(
                typo + ":6: unknown key 'train.optim.weight_decy' (did you mean 'train.optim.weight_decay'?);"
                        + " known keys of 'train.optim': lr, weight_decay, betas",
                e.getMessage());
        assertError("model:\n  numLayers: 3\n", "t.yaml:2:", "'model.numLayers'", "did you mean 'model.num_layers'");
        assertError("zzz: 1\n", "t.yaml:1:", "unknown key 'zzz'", "known keys at the top level: model, train, seed");
        assertError("train:\n  stages:\n    - name: a\n      epoch: 3\n", "t.yaml:4:", "'train.stages[0].epoch'");
        assertError("seed: 1\nseed: 2\n", "t.yaml:2:", "duplicate key 'seed'");
    }

    @Test
    void wrongTypesNameFileLineKeyAndExpectedType() {
        assertError("model:\n  dim: ten\n", "t.yaml:2: key 'model.dim': expected an integer (int), got 'ten'");
        assertError("model:\n  dim: 2.5\n", "t.yaml:2:", "expected an integer (int), got '2.5'");
        assertError("model:\n  dim: \"4\"\n", "expected an integer (int), got '4'");
        assertError("model:\n  dim: [1]\n", "expected an integer (int), got a list");
        assertError("model:\n  dim: 3000000000\n", "'model.dim'", "out of range for int");
        assertError("model:\n  dim: ~\n", "'model.dim'", "got null");
        assertError("model:\n  use_hyperbolic: 1\n", "expected true or false (boolean), got '1'");
        assertError("model:\n  device: tpu\n", "t.yaml:2:", "'tpu' is not one of cpu, reference, cuda, cuda_emu");
        assertError("train:\n  optim:\n    betas: 0.9\n", "t.yaml:3:", "'train.optim.betas': expected a list");
        assertError("train:\n  optim:\n    betas: [0.9, x]\n", "'train.optim.betas[1]': expected a number (double)");
        assertError("train:\n  loss_weights: [1]\n", "'train.loss_weights': expected a mapping");
        assertError("train:\n  loss_weights:\n    ce: high\n", "t.yaml:3:", "'train.loss_weights.ce'");
        assertError("model: 5\n", "'model': expected a mapping (section Model)");
        assertError("- 1\n- 2\n", "t.yaml:1:", "must be a mapping");
        assertError("model:\n  dim: -3\n", "t.yaml:2:", "invalid 'model'", "dim must be positive");
        assertError("model:\n  dim: [1\n", "t.yaml:", "YAML syntax error");
        assertError(
                "train:\n  optim:\n    lr: .nan\n", "t.yaml:3: key 'train.optim.lr': .nan (NaN) is not a valid value");
        assertError("train:\n  optim:\n    betas: [0.9, .NaN]\n", "'train.optim.betas[1]'", "NaN");
        assertEquals(
                Double.POSITIVE_INFINITY,
                parse("train:\n  optim:\n    lr: .inf\n").train().optim().lr());
        assertEquals(Device.CPU, parse("model:\n  device: Cpu\n").model().device());
        assertEquals(
                0.5f,
                parse("train:\n  optim:\n    weight_decay: .5\n")
                        .train()
                        .optim()
                        .weightDecay());
    }

    @Test
    void overridesApplyBeforeBindingAndErrorsNameThem() {
        Config c = parse(
                "model:\n  dim: 32\n",
                "model.dim=48",
                "model.device=cuda",
                "train.optim.betas=[0.5, 0.6]",
                "train.stages=[{name: a, epochs: 4}]",
                "seed=9",
                "train.name=has=equals");
        assertEquals(48, c.model().dim());
        assertEquals(Device.CUDA, c.model().device());
        assertEquals(List.of(0.5, 0.6), c.train().optim().betas());
        assertEquals(List.of(new Stage("a", 4)), c.train().stages());
        assertEquals(Optional.of(9), c.seed());
        assertEquals("has=equals", c.train().name());
        assertNull(parse("", "batch=").batch());

        assertError("", List.of("model.dims=4"), "--set model.dims=4: unknown key 'model.dims'", "'model.dim'");
        assertError("", List.of("model.dim=big"), "--set model.dim=big: key 'model.dim': expected an integer");
        assertError("", List.of("model"), "--set model: expected KEY=VALUE");
        assertError("", List.of("model..dim=3"), "--set model..dim=3: empty key segment");
        assertError("seed: 3\n", List.of("seed.x=1"), "--set seed.x=1: 'seed' is a single value");
        assertError("", List.of("model.dim=[1"), "--set model.dim=[1: the value is not valid YAML");
    }

    @Test
    void writerRoundTrips() throws Exception {
        Config c = ConfigLoader.load(res("full.yaml"), Config.class, List.of("train.optim.lr=1e-7", "seed=~"));
        String yaml = ConfigWriter.toYaml(c);
        assertTrue(yaml.contains("weight_decay: 0.05"), yaml);
        assertTrue(yaml.contains("device: cuda_emu"), yaml);
        assertEquals(c, ConfigLoader.parse(yaml, "w.yaml", Config.class, null, List.of()));
        Path f = dir.resolve("run/config.yaml");
        ConfigWriter.write(f, c, "resolved config");
        assertTrue(Files.readString(f).startsWith("# resolved config\n"));
        assertEquals(c, ConfigLoader.load(f, Config.class));
        // the defaults also survive a round trip, including an empty list and Optional
        assertEquals(Config.defaults(), parse(ConfigWriter.toYaml(Config.defaults())));
    }

    @Test
    void missingOrUnreadableFilesNameTheFile() {
        Path absent = dir.resolve("absent.yaml");
        RevtafException e = assertThrows(RevtafException.class, () -> ConfigLoader.load(absent, Config.class));
        assertTrue(
                e.getMessage().startsWith(absent.toString()) && e.getMessage().contains("no such"), e.getMessage());
    }
}
